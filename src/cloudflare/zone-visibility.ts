import { CloudflareApiError } from './cloudflare-api.error.js';

/**
 * Cloudflare's answers for a zone id it cannot find: 404, "could not route" (7003), "invalid zone
 * identifier" (1001). A rate limit, a timeout or a 5xx is not among them (docs/cloudflare-facts.md#envelope-and-error-codes).
 */
export function isZoneGone(error: unknown): boolean {
  return error instanceof CloudflareApiError && (error.details.httpStatus === 404 || error.code === 7003 || error.code === 1001);
}

/** The zone is gone, or the token holds no permission on it (403 with 10000). */
export function isZoneInvisible(error: unknown): boolean {
  return isZoneGone(error) || (error instanceof CloudflareApiError && error.details.httpStatus === 403 && error.code === 10000);
}
