import { AppError } from '../common/errors.js';
import type { RateLimitSignal } from './rate-limit-headers.js';

/** A failed Cloudflare call, with Cloudflare's own error code where it gave one. Never carries a token. */
export class CloudflareApiError extends AppError {
  readonly kind = 'cloudflare' as const;

  constructor(
    message: string,
    readonly details: {
      /** Cloudflare's error code (e.g. 1004, 9109); null when the failure was below HTTP. */
      code: number | null;
      httpStatus: number | null;
      retryable: boolean;
      /** On a 429: what Cloudflare's headers said about its limit. */
      rateLimit?: RateLimitSignal;
    },
  ) {
    super(message);
  }

  get code(): number | null {
    return this.details.code;
  }
}
