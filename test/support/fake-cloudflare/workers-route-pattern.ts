import { ApiError } from './envelope.js';
import { hostInZone } from './target-match.js';

/**
 * Cloudflare's code for a route pattern it refuses; "Route pattern must include zone name" is a real answer,
 * the wording of the other refusals is the fake's (docs/cloudflare-facts.md#workers-routes).
 */
export const INVALID_ROUTE_PATTERN = 10022;

/**
 * A route pattern is `[http[s]://]host[/path]`: the host may start with `*` (any prefix, such as `*.example.com`)
 * and must lie in the zone, the path may end with `*`, and nothing else may be a wildcard or a query.
 */
export function checkRoutePattern(pattern: string, zoneName: string): void {
  const rest = pattern.replace(/^https?:\/\//i, '');
  const slash = rest.indexOf('/');
  const host = (slash === -1 ? rest : rest.slice(0, slash)).toLowerCase();
  const path = slash === -1 ? '' : rest.slice(slash);
  const bareHost = host.replace(/^\*\.?/, '');
  if (bareHost.includes('*')) throw invalid(`a wildcard may only open the host: ${pattern}`);
  if (path.slice(0, -1).includes('*')) throw invalid(`a wildcard may only end the path: ${pattern}`);
  if (/[?#]/.test(path)) throw invalid(`a route pattern cannot hold a query or a fragment: ${pattern}`);
  if (bareHost === '' || !hostInZone(bareHost, zoneName)) throw invalid(`Route pattern must include zone name: ${pattern}`);
}

function invalid(message: string): ApiError {
  return ApiError.of(400, INVALID_ROUTE_PATTERN, message);
}
