import { describe, expect, it } from '@jest/globals';
import { parseRateLimitHeaders, parseRetryAfter } from '../../src/cloudflare/rate-limit-headers.js';

describe('parseRateLimitHeaders', () => {
  it("reads Cloudflare's documented examples", () => {
    const headers = new Headers({ ratelimit: '"default";r=50;t=30', 'ratelimit-policy': '"burst";q=100;w=60' });
    expect(parseRateLimitHeaders(headers)).toEqual({
      retryAfterMs: undefined,
      remaining: 50,
      resetMs: 30_000,
      policy: { limit: 100, windowMs: 60_000 },
    });
  });

  it('takes the limit closest to running out and the policy with the smallest quota', () => {
    const headers = new Headers({
      ratelimit: '"default";r=900;t=200, "burst";r=0;t=4',
      'ratelimit-policy': '"default";q=1200;w=300, "burst";q=60;w=10',
      'retry-after': '4',
    });
    expect(parseRateLimitHeaders(headers)).toEqual({ retryAfterMs: 4000, remaining: 0, resetMs: 4000, policy: { limit: 60, windowMs: 10_000 } });
  });

  it('ignores what it cannot read and answers nothing without headers', () => {
    const headers = new Headers({ ratelimit: 'garbage', 'ratelimit-policy': '"p";q=0;w=10, "x";q=abc' });
    expect(parseRateLimitHeaders(headers)).toEqual({ retryAfterMs: undefined });
    expect(parseRateLimitHeaders(undefined)).toEqual({});
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});
