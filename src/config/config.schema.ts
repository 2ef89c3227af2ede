import { z } from 'zod';

const httpUrl = z
  .string()
  .url()
  .refine((value) => /^https?:$/.test(new URL(value).protocol), 'must be an http:// or https:// URL');

const secret = z.string().min(32, 'must be at least 32 characters (e.g. `openssl rand -base64 32`)');

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
    CLOUDFLARE_API_BASE_URL: httpUrl.default('https://api.cloudflare.com/client/v4'),
    CLOUDFLARE_TIMEOUT_MS: z.coerce.number().int().min(1000).max(300_000).default(30_000),
    CLOUDFLARE_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(4),
    CLOUDFLARE_RATE_LIMIT_REQUESTS: z.coerce.number().int().min(1).default(1200),
    CLOUDFLARE_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(300),
    CLOUDFLARE_RATE_LIMIT_MAX_WAIT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
    BULK_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
    APP_SECRET_KEY: secret.optional(),
    SESSION_SECRET: secret.optional(),
    PUBLIC_URL: httpUrl.optional(),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    DATA_DIR: z.string().min(1).default('./data'),
    DB_AUTO_MIGRATE: booleanFlag.default(true),
    SCHEDULER_ENABLED: booleanFlag.default(true),
    SCHEDULER_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(60).default(2),
    MAINTENANCE_RETRY_AFTER_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
    NOTIFY_WEBHOOK_URL: httpUrl.optional(),
    NOTIFY_BEFORE_START_MINUTES: z.coerce.number().int().min(0).max(10_080).default(15),
    NOTIFY_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
    NOTIFY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
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
