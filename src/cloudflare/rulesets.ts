import { z } from 'zod';
import { CloudflareApiError } from './cloudflare-api.error.js';

/** The two zone phases our rules live in (docs/cloudflare-facts.md#single-redirects). */
export const REDIRECT_PHASE = 'http_request_dynamic_redirect';
export const RESPONSE_HEADERS_PHASE = 'http_response_headers_transform';
export type RulesetPhase = typeof REDIRECT_PHASE | typeof RESPONSE_HEADERS_PHASE;

/** A Single Redirect: 302 to a fixed URL, the query string of the request dropped. */
export interface RedirectRuleSpec {
  ref: string;
  description: string;
  expression: string;
  action: 'redirect';
  action_parameters: { from_value: { target_url: { value: string }; status_code: 302; preserve_query_string: false } };
  enabled: true;
}

/** A response header transform rule that adds one header with a static value, keeping those already there. */
export interface HeaderRuleSpec {
  ref: string;
  description: string;
  expression: string;
  action: 'rewrite';
  action_parameters: { headers: Record<string, { operation: 'add'; value: string }> };
  enabled: true;
}

export type RulesetRuleSpec = RedirectRuleSpec | HeaderRuleSpec;

/** Only what we rely on is checked; the rest of a rule passes through. */
export const rulesetRuleSchema = z
  .object({
    id: z.string().min(1),
    ref: z.string().optional(),
    expression: z.string().default(''),
    action: z.string().default(''),
    action_parameters: z.record(z.string(), z.unknown()).optional(),
    // Cloudflare's default for a rule is enabled.
    enabled: z.boolean().default(true),
    description: z.string().default(''),
  })
  .loose();
export type RulesetRuleRecord = z.infer<typeof rulesetRuleSchema>;

/** Cloudflare may leave `rules` out of a ruleset that holds none. */
export const rulesetSchema = z
  .object({ id: z.string().min(1), phase: z.string().optional(), rules: z.array(rulesetRuleSchema).default([]) })
  .loose();
export type RulesetRecord = z.infer<typeof rulesetSchema>;

/**
 * Error codes of a zone that does not exist (7003 "could not route", 1001 "invalid zone identifier"),
 * as opposed to a zone with no entrypoint for the phase yet, which is an ordinary 404.
 */
const ZONE_GONE_CODES = new Set([7003, 1001]);

/** The phase has no entrypoint ruleset yet (docs/cloudflare-facts.md#single-redirects). */
export function isNoEntrypoint(error: unknown): boolean {
  return error instanceof CloudflareApiError && error.details.httpStatus === 404 && !ZONE_GONE_CODES.has(error.code ?? -1);
}

/** The same failure with every occurrence of the given secrets replaced: a refused expression may be echoed back. */
export function withoutSecrets(error: unknown, secrets: readonly string[]): unknown {
  if (!(error instanceof CloudflareApiError) || !secrets.some((secret) => secret && error.message.includes(secret))) return error;
  const message = secrets.filter(Boolean).reduce((text, secret) => text.split(secret).join('[secret]'), error.message);
  return new CloudflareApiError(message, error.details);
}
