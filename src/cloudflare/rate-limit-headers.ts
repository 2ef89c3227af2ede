/**
 * What Cloudflare's answer says about its rate limit (docs/rate-limits.md): `retry-after` on a 429, and
 * on every answer the IETF draft's `Ratelimit: "default";r=50;t=30` (remaining, seconds to reset) and
 * `Ratelimit-Policy: "default";q=1200;w=300` (quota per window).
 */
export interface RateLimitSignal {
  retryAfterMs?: number;
  remaining?: number;
  resetMs?: number;
  policy?: { limit: number; windowMs: number };
}

export function parseRetryAfter(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** `"name";a=1;b=2, "other";a=3` → one map of parameters per item. */
function structuredItems(value: string | null | undefined): Map<string, number>[] {
  if (!value) return [];
  return value.split(',').map((item) => {
    const params = new Map<string, number>();
    for (const part of item.split(';').slice(1)) {
      const [key, raw] = part.split('=').map((text) => text.trim());
      const number = Number(raw);
      if (key && raw !== undefined && Number.isFinite(number) && number >= 0) params.set(key.toLowerCase(), number);
    }
    return params;
  });
}

export function parseRateLimitHeaders(headers: Pick<Headers, 'get'> | undefined): RateLimitSignal {
  if (!headers) return {};
  const signal: RateLimitSignal = { retryAfterMs: parseRetryAfter(headers.get('retry-after')) };
  const limits = structuredItems(headers.get('ratelimit')).filter((item) => item.has('r'));
  // With several limits, the one closest to running out is the one that refuses us first.
  const closest = limits.sort((a, b) => a.get('r')! - b.get('r')!)[0];
  if (closest) {
    signal.remaining = closest.get('r');
    if (closest.has('t')) signal.resetMs = closest.get('t')! * 1000;
  }
  const policies = structuredItems(headers.get('ratelimit-policy')).filter((item) => item.get('q')! >= 1 && item.get('w')! >= 1);
  // The policy with the smallest quota is the tightest burst; the configured budget covers the long window.
  const tightest = policies.sort((a, b) => a.get('q')! - b.get('q')!)[0];
  if (tightest) signal.policy = { limit: Math.floor(tightest.get('q')!), windowMs: tightest.get('w')! * 1000 };
  return signal;
}

