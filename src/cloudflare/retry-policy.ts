import pRetry from 'p-retry';
import { CloudflareApiError } from './cloudflare-api.error.js';

export interface RetryPolicy {
  retries: number;
  minBackoffMs: number;
  /** How long a call keeps being retried after its first 429 (CLOUDFLARE_RATE_LIMIT_MAX_WAIT_SECONDS). */
  rateLimitMaxWaitMs: number;
}

/** After a 429, the moment the call gives up, and the error it then fails with. */
export interface RateLimitDeadline {
  at: number;
  error: () => CloudflareApiError;
}

export interface RetryHooks {
  /** Called before an attempt that follows a failure other than a 429 (used to make a POST safe to repeat). */
  beforeRetry?: () => Promise<void>;
}

/** A 429 still worth waiting for (the error a call gives up with is a 429 too, but final). */
function isRateLimited(error: unknown): error is CloudflareApiError {
  return error instanceof CloudflareApiError && error.details.httpStatus === 429 && error.details.retryable;
}

/**
 * Our retry policy, in place of the SDK's (which honours retry-after without any cap, docs/rate-limits.md).
 * A 429 means Cloudflare did not carry the request out: it is repeated as soon as the request budget gives
 * a slot again, without using up a retry, until the wait since the call's first 429 reaches its bound.
 * 5xx, connection errors and timeouts are retried with backoff; every other 4xx fails at once.
 */
export function withRetry<T>(
  policy: RetryPolicy,
  attempt: (deadline?: RateLimitDeadline) => Promise<T>,
  hooks: RetryHooks = {},
): Promise<T> {
  let attempts = 0;
  const untilNotRateLimited = async (): Promise<T> => {
    let deadline: RateLimitDeadline | undefined;
    for (;;) {
      try {
        return await attempt(deadline);
      } catch (error) {
        if (!isRateLimited(error)) throw error;
        deadline ??= { at: Date.now() + policy.rateLimitMaxWaitMs, error: () => gaveUp(error, policy) };
        if (Date.now() >= deadline.at) throw deadline.error();
      }
    }
  };
  return pRetry(
    async () => {
      if (attempts++ > 0) await hooks.beforeRetry?.();
      return untilNotRateLimited();
    },
    {
      retries: policy.retries,
      minTimeout: policy.minBackoffMs,
      maxTimeout: policy.minBackoffMs * 16,
      factor: 2,
      randomize: true,
      shouldRetry: ({ error }) => error instanceof CloudflareApiError && error.details.retryable,
    },
  );
}

function gaveUp(error: CloudflareApiError, policy: RetryPolicy): CloudflareApiError {
  return new CloudflareApiError(
    `${error.message}; still rate-limited after waiting ${Math.round(policy.rateLimitMaxWaitMs / 1000)} s ` +
      `(CLOUDFLARE_RATE_LIMIT_MAX_WAIT_SECONDS)`,
    { ...error.details, retryable: false },
  );
}
