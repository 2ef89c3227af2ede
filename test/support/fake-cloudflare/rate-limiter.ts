import type { RateLimit } from './types.js';

export type RateDecision =
  | { allowed: true; headers: Record<string, string> }
  | { allowed: false; retryAfterSeconds: number; headers: Record<string, string> };

interface Window {
  startedAt: number;
  count: number;
  blockedUntil?: number;
}

/**
 * Cloudflare's global API limit: a budget of requests per window, per token, across all endpoints.
 * Going over it blocks every call of that token for a whole window from that moment on.
 */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(private limit?: RateLimit) {}

  configure(limit?: RateLimit): void {
    this.limit = limit;
    this.windows.clear();
  }

  reset(): void {
    this.windows.clear();
  }

  take(key: string, now = Date.now()): RateDecision {
    const limit = this.limit;
    if (!limit) return { allowed: true, headers: {} };
    const windowMs = limit.windowSeconds * 1000;
    let window = this.windows.get(key);

    if (window?.blockedUntil !== undefined) {
      if (now < window.blockedUntil) return this.blocked(limit, window.blockedUntil - now);
      window = undefined;
    }
    if (!window || now - window.startedAt >= windowMs) {
      window = { startedAt: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    if (window.count > limit.requests) {
      window.blockedUntil = now + windowMs;
      return this.blocked(limit, windowMs);
    }
    const resetSeconds = Math.ceil((window.startedAt + windowMs - now) / 1000);
    return { allowed: true, headers: this.headers(limit, limit.requests - window.count, resetSeconds) };
  }

  private blocked(limit: RateLimit, waitMs: number): RateDecision {
    const blockedSeconds = Math.max(1, Math.ceil(waitMs / 1000));
    const retryAfterSeconds = limit.retryAfterSeconds ?? blockedSeconds;
    return {
      allowed: false,
      retryAfterSeconds,
      headers: { ...this.headers(limit, 0, blockedSeconds), 'retry-after': String(retryAfterSeconds) },
    };
  }

  private headers(limit: RateLimit, remaining: number, resetSeconds: number): Record<string, string> {
    if (limit.policyHeaders === false) return {};
    return {
      ratelimit: `"default";r=${remaining};t=${resetSeconds}`,
      'ratelimit-policy': `"default";q=${limit.requests};w=${limit.windowSeconds}`,
    };
  }
}
