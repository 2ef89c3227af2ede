import { z } from 'zod';
import { parseBypassIps } from '../common/ip-range.validation.js';
import { DEFAULT_TRUSTED_PROXIES, parseTrustedProxies } from './trusted-proxies.js';

const httpUrl = z
  .string()
  .url()
  .refine((value) => /^https?:$/.test(new URL(value).protocol), 'must be an http:// or https:// URL');

/** Credentials in a URL end up in error messages and logs; none of ours needs them. */
const withoutCredentials = (url: z.ZodType<string>) =>
  url.refine((value) => {
    const parsed = new URL(value);
    return !parsed.username && !parsed.password;
  }, 'must not contain credentials (user:password@): they would be shown in error messages and logs');

/** Page Rules replace `$1`…`$N` in a forwarding URL with wildcard matches (docs/input-validation.md). */
const maintenancePageUrl = withoutCredentials(httpUrl).refine(
  (value) => !/\$\d/.test(value),
  'must not contain "$" followed by a digit: Cloudflare would replace it with a wildcard match of the rule (write %24 for a literal dollar sign)',
);

export const MIN_SECRET_LENGTH = 32;

const secret = z.string().min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters (e.g. \`openssl rand -base64 32\`)`);

const trustedProxies = z.string().default(DEFAULT_TRUSTED_PROXIES).transform((value, ctx) => {
  const parsed = parseTrustedProxies(value);
  if ('error' in parsed) {
    ctx.addIssue({ code: 'custom', message: parsed.error });
    return z.NEVER;
  }
  return parsed.proxies;
});

/** Comma-separated addresses and CIDR ranges, checked as `sites update --bypass-ip` checks them; unset: none. */
const bypassIps = z.string().default('').transform((value, ctx) => {
  if (value.trim() === '') return [];
  try {
    return parseBypassIps(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

export const configSchema = z
  .object({
    DATABASE_URL: z
      .string()
      .url()
      .refine((value) => /^postgres(ql)?:$/.test(new URL(value).protocol), 'must be a postgres:// URL')
      .optional(),
    CLOUDFLARE_API_BASE_URL: withoutCredentials(httpUrl).default('https://api.cloudflare.com/client/v4'),
    CLOUDFLARE_TIMEOUT_MS: z.coerce.number().int().min(1000).max(300_000).default(30_000),
    CLOUDFLARE_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(4),
    CLOUDFLARE_RATE_LIMIT_REQUESTS: z.coerce.number().int().min(1).default(1200),
    CLOUDFLARE_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(300),
    CLOUDFLARE_RATE_LIMIT_MAX_WAIT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
    BULK_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
    SYNC_PAGE_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(8),
    APP_SECRET_KEY: secret.optional(),
    SESSION_SECRET: secret.optional(),
    PUBLIC_URL: maintenancePageUrl.optional(),
    TRUSTED_PROXIES: trustedProxies,
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    DATA_DIR: z.string().min(1).default('./data'),
    DB_AUTO_MIGRATE: booleanFlag.default(true),
    SCHEDULER_ENABLED: booleanFlag.default(true),
    SCHEDULER_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(60).default(2),
    MAINTENANCE_BYPASS_IPS: bypassIps,
    /** The account's Workers plan: Cloudflare's API does not tell it, so the worker engine assumes Free unless told. */
    CLOUDFLARE_WORKERS_PLAN: z.enum(['free', 'paid']).default('free'),
    MAINTENANCE_RETRY_AFTER_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
    NOTIFY_WEBHOOK_URL: httpUrl.optional(),
    NOTIFY_BEFORE_START_MINUTES: z.coerce.number().int().min(0).max(10_080).default(15),
    NOTIFY_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
    NOTIFY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
    API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(120),
    SHUTDOWN_DRAIN_SECONDS: z.coerce.number().int().min(0).max(600).default(20),
  })
  .superRefine((config, ctx) => {
    if (config.DATABASE_URL && !config.APP_SECRET_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['APP_SECRET_KEY'],
        message: 'is required when DATABASE_URL is set (it encrypts the stored API tokens)',
      });
    }
  });

export type AppConfig = z.infer<typeof configSchema>;
