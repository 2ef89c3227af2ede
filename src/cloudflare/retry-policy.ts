import pRetry from 'p-retry';
import { setTimeout as sleep } from 'node:timers/promises';
import { CloudflareApiError } from './cloudflare-api.error.js';

export interface RetryPolicy {
  retries: number;
  /** A 429 asking for a longer pause than this fails instead of stalling the operation. */
  maxRetryAfterMs: number;
  minBackoffMs: number;
}

export interface RetryHooks {
  /** Called before an attempt that follows a failure (used to make a POST safe to repeat). */
  beforeRetry?: () => Promise<void>;
  /** Called when Cloudflare rate-limited us, with the pause it asked for. */
  onRateLimited?: (waitMs: number) => void;
}

/**
 * Our retry policy, in place of the SDK's (which honours retry-after without any cap, DESIGN.md §2):
 * 429 (waiting what retry-after says, up to a bound), 5xx, connection errors and timeouts are retried
 * with backoff; every other 4xx fails at once.
 */
export function withRetry<T>(policy: RetryPolicy, attempt: () => Promise<T>, hooks: RetryHooks = {}): Promise<T> {
  let attempts = 0;
  return pRetry(
    async () => {
      if (attempts++ > 0) await hooks.beforeRetry?.();
      return attempt();
    },
    {
      retries: policy.retries,
      minTimeout: policy.minBackoffMs,
      maxTimeout: policy.minBackoffMs * 16,
      factor: 2,
      randomize: true,
      shouldRetry: ({ error }) => error instanceof CloudflareApiError && error.details.retryable,
      onFailedAttempt: async ({ error, retriesLeft }) => {
        if (!(error instanceof CloudflareApiError) || !error.details.retryable || retriesLeft === 0) return;
        const waitMs = error.details.retryAfterMs;
        if (waitMs === undefined) return;
        if (waitMs > policy.maxRetryAfterMs) {
          throw new CloudflareApiError(
            `${error.message}; Cloudflare asked us to wait ${Math.ceil(waitMs / 1000)} s, ` +
              `more than the ${Math.round(policy.maxRetryAfterMs / 1000)} s we wait (CLOUDFLARE_MAX_RETRY_AFTER_SECONDS)`,
            { ...error.details, retryable: false },
          );
        }
        hooks.onRateLimited?.(waitMs);
        await sleep(waitMs);
      },
    },
  );
}
