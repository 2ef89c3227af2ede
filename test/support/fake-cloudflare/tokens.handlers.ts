import { bearerToken } from './auth.js';
import { ApiError, type Reply, success } from './envelope.js';
import type { RequestContext } from './request-context.js';

/**
 * `GET /user/tokens/verify` is the one call a disabled or expired token may make: it answers 200 with the
 * token's status. A token Cloudflare does not know at all gets 401/1000.
 */
export function verifyToken({ state, authorization }: RequestContext): Reply {
  const token = state.token(bearerToken(authorization));
  if (!token) throw ApiError.of(401, 1000, 'Invalid API Token');
  const messages =
    token.status === 'active' ? [{ code: 10000, message: 'This API Token is valid and active', type: null }] : [];
  return success({ id: token.id, status: token.status }, { messages });
}
