import type { APIError } from 'cloudflare';
import { CloudflareApiError } from './cloudflare-api.error.js';
import { parseRateLimitHeaders } from './rate-limit-headers.js';
import type { Sdk } from './sdk.js';

interface CloudflareErrorEntry {
  code: number;
  message: string;
}

const BEARER = /Bearer\s+[A-Za-z0-9._~+/=-]+/gi;
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;

/**
 * Every URL in a message cut down to its origin and path: credentials (`user:password@`), query and
 * fragment may hold secrets, and error messages are shown, printed and stored in the audit log.
 */
export function redactUrls(message: string): string {
  return message.replace(URL_IN_TEXT, (text) => {
    try {
      const url = new URL(text);
      return url.origin === 'null' ? `${url.protocol}[redacted]` : `${url.origin}${url.pathname}`;
    } catch {
      return '[redacted URL]';
    }
  });
}

/** Removes the token itself, anything shaped like an Authorization header and the secret parts of URLs from a message. */
export function scrubSecrets(message: string, token: string): string {
  let scrubbed = redactUrls(message).replace(BEARER, 'Bearer [redacted]');
  if (token.length >= 4) scrubbed = scrubbed.split(token).join('[redacted]');
  return scrubbed;
}

function describeErrors(errors: CloudflareErrorEntry[], messages: unknown[]): string {
  const main = errors.map((error) => `${error.message} (code ${error.code})`).join('; ');
  const details = messages
    .map((entry) => (typeof entry === 'string' ? entry : (entry as { message?: unknown })?.message))
    .filter((text): text is string => typeof text === 'string' && text.length > 0);
  return details.length ? `${main}: ${details.join('; ')}` : main;
}

/** The envelope said success: false (Cloudflare sometimes does this on HTTP 200). */
export function unsuccessfulEnvelopeError(
  operation: string,
  errors: CloudflareErrorEntry[],
  messages: unknown[],
  token: string,
): CloudflareApiError {
  const text = errors.length ? describeErrors(errors, messages) : 'success: false without an error';
  return new CloudflareApiError(scrubSecrets(`Cloudflare refused to ${operation}: ${text}`, token), {
    code: errors[0]?.code ?? null,
    httpStatus: 200,
    retryable: false,
  });
}

/**
 * Turns whatever the SDK threw into a CloudflareApiError that is safe to log and show. The SDK's error
 * classes come from the loaded module (src/cloudflare/sdk.ts), which is imported only on first use.
 */
export function toCloudflareApiError(error: unknown, operation: string, token: string, sdk: Sdk): CloudflareApiError {
  if (error instanceof CloudflareApiError) return error;
  if (error instanceof sdk.APIConnectionTimeoutError) {
    return new CloudflareApiError(`Cloudflare did not answer in time while trying to ${operation}`, {
      code: null,
      httpStatus: null,
      retryable: true,
    });
  }
  if (error instanceof sdk.APIConnectionError) {
    return new CloudflareApiError(
      scrubSecrets(`Could not reach Cloudflare to ${operation}: ${error.cause instanceof Error ? error.cause.message : error.message}`, token),
      { code: null, httpStatus: null, retryable: true },
    );
  }
  if (error instanceof sdk.APIError) {
    const apiError = error as APIError;
    const status = apiError.status ?? null;
    const body = (apiError.error ?? {}) as { errors?: CloudflareErrorEntry[]; messages?: unknown[] };
    const errors = Array.isArray(body.errors) ? body.errors : [];
    const text = errors.length ? describeErrors(errors, body.messages ?? []) : `HTTP ${status}`;
    const rateLimit = status === 429 ? parseRateLimitHeaders(apiError.headers) : undefined;
    return new CloudflareApiError(scrubSecrets(`Cloudflare refused to ${operation}: ${text} (HTTP ${status})`, token), {
      code: errors[0]?.code ?? null,
      httpStatus: status,
      retryable: status === 429 || (status !== null && status >= 500),
      rateLimit,
    });
  }
  // By name, not instanceof: a SyntaxError from fetch's body parser may come from another realm.
  if ((error as { name?: unknown } | null)?.name === 'SyntaxError') {
    return new CloudflareApiError(`Cloudflare sent an unreadable answer while trying to ${operation}`, {
      code: null,
      httpStatus: null,
      retryable: true,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new CloudflareApiError(scrubSecrets(`Unexpected failure while trying to ${operation}: ${message}`, token), {
    code: null,
    httpStatus: null,
    retryable: false,
  });
}
