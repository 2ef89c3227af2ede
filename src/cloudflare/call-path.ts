import type Cloudflare from 'cloudflare';
import type { z } from 'zod';
import type { RateLimitDeadline, RetryHooks } from './retry-policy.js';

export interface Envelope<T> {
  result: T;
  resultInfo?: { page: number; per_page: number; total_pages?: number; count: number };
}

export type SdkCall = { asResponse(): Promise<Response> };

/**
 * The gateway's one way to Cloudflare (auth, request budget, retry policy, error mapping, response schema),
 * lent to the files that hold a family of calls, such as workers-api.ts.
 */
export interface CallPath {
  /** One request with our retry policy around it. */
  call<T>(token: string, operation: string, schema: z.ZodType<T>, request: (client: Cloudflare) => SdkCall): Promise<Envelope<T>>;
  /** One attempt, for calls that build their own retries with `retry`. */
  once<T>(
    token: string,
    operation: string,
    schema: z.ZodType<T>,
    deadline: RateLimitDeadline | undefined,
    request: (client: Cloudflare) => SdkCall,
  ): Promise<Envelope<T>>;
  retry<T>(attempt: (deadline?: RateLimitDeadline) => Promise<T>, hooks?: RetryHooks): Promise<T>;
}
