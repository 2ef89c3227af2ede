import { ApiError } from './envelope.js';
import type { FakeState } from './fake-state.js';
import { isCloudflareId } from './ids.js';
import type { FakeToken, FakeZone, WorkersPermissions } from './types.js';

/** RFC 6750 token characters; anything else in the header is a malformed header to Cloudflare. */
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i;

export function malformedHeaders(): ApiError {
  return new ApiError(400, [
    {
      code: 6003,
      message: 'Invalid request headers',
      error_chain: [{ code: 6111, message: 'Invalid format for Authorization header' }],
    },
  ]);
}

export function bearerToken(header: string | undefined): string {
  const match = header === undefined ? null : BEARER.exec(header.trim());
  if (!match?.[1]) throw malformedHeaders();
  return match[1];
}

/** The active token behind the Authorization header, or the error Cloudflare answers instead. */
export function authenticate(state: FakeState, header: string | undefined): FakeToken {
  const token = state.token(bearerToken(header));
  if (!token || token.status !== 'active') throw ApiError.of(403, 9109, 'Invalid access token');
  return token;
}

export function canSeeAccount(token: FakeToken, accountId: string): boolean {
  return token.accountIds === undefined || token.accountIds.includes(accountId);
}

/**
 * Cloudflare answers an id it cannot route with 7003 (plus 7000), and a zone the token holds no
 * permission on with 403/10000, so existence only leaks for zones that do not exist at all.
 */
export function zoneFor(state: FakeState, token: FakeToken, zoneId: string, fullPath: string): FakeZone {
  const zone = state.zone(zoneId);
  if (!zone) throw notRoutable(fullPath);
  if (!canSeeAccount(token, zone.accountId)) throw ApiError.of(403, 10000, 'Authentication error');
  return zone;
}

export function notRoutable(fullPath: string): ApiError {
  return new ApiError(404, [
    { code: 7003, message: `Could not route to ${fullPath}, perhaps your object identifier is invalid?` },
    { code: 7000, message: 'No route for that URI' },
  ]);
}

/**
 * The token's level on a Workers permission group must reach `need`; Cloudflare answers 403/10000 otherwise
 * (docs/cloudflare-facts.md#workers-permissions).
 */
export function requireWorkersAccess(token: FakeToken, group: keyof WorkersPermissions, need: 'read' | 'edit'): void {
  const level = token.workers?.[group] ?? 'edit';
  if (level === 'none' || (need === 'edit' && level === 'read')) throw ApiError.of(403, 10000, 'Authentication error');
}

/** An account id that is no Cloudflare id cannot be routed; one the token cannot reach is refused like a zone. */
export function accountFor(state: FakeState, token: FakeToken, accountId: string, fullPath: string): string {
  if (!isCloudflareId(accountId)) throw notRoutable(fullPath);
  if (!state.accounts().some((account) => account.id === accountId) || !canSeeAccount(token, accountId)) {
    throw ApiError.of(403, 10000, 'Authentication error');
  }
  return accountId;
}
