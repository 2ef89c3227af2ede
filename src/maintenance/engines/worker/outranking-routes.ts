import type { WorkerRouteRecord } from '../../../cloudflare/workers.js';
import { isOurRoute } from './route-plan.js';

/** A route pattern read as Cloudflare matches it: `[scheme://]host[/path]`, the host opening with `*` or not. */
interface ReadPattern {
  scheme: string | null;
  /** The exact host, or the suffix after a leading `*` (`.example.com` for `*.example.com`). */
  host: string;
  wildcardHost: boolean;
  /** `/` when the pattern gives none, as Cloudflare implies. */
  path: string;
}

function readPattern(pattern: string): ReadPattern | null {
  const scheme = /^(https?):\/\//i.exec(pattern)?.[1]?.toLowerCase() ?? null;
  const rest = scheme ? pattern.slice(scheme.length + 3) : pattern;
  const slash = rest.indexOf('/');
  const host = (slash === -1 ? rest : rest.slice(0, slash)).toLowerCase();
  const wildcardHost = host.startsWith('*');
  const bare = wildcardHost ? host.slice(1) : host;
  if (bare === '' || bare.includes('*')) return null;
  return { scheme, host: bare, wildcardHost, path: slash === -1 ? '/' : rest.slice(slash) };
}

type HostOrder = 'more' | 'same' | 'less' | 'disjoint';

/**
 * How specific the user's host is against ours, for the hosts both match. An exact host beats a wildcard one,
 * and a longer wildcard suffix a shorter one (Cloudflare: `www.example.com/*` wins over `*.example.com/*`,
 * `a.example.com/*` over `*.example.com/a`).
 */
function compareHosts(user: ReadPattern, ours: ReadPattern): HostOrder {
  if (!ours.wildcardHost) {
    if (!user.wildcardHost) return user.host === ours.host ? 'same' : 'disjoint';
    return ours.host.endsWith(user.host) ? 'less' : 'disjoint';
  }
  if (!user.wildcardHost) return user.host.endsWith(ours.host) ? 'more' : 'disjoint';
  if (user.host === ours.host) return 'same';
  if (user.host.endsWith(ours.host)) return 'more';
  return ours.host.endsWith(user.host) ? 'less' : 'disjoint';
}

/** Whether Cloudflare runs the user's route rather than ours (whose path is `/*`) for some requests ours would take. */
function outranks(user: ReadPattern, ours: ReadPattern): boolean {
  if (ours.scheme && user.scheme && ours.scheme !== user.scheme) return false;
  switch (compareHosts(user, ours)) {
    case 'more':
      return true;
    case 'same':
      return user.path !== ours.path || (user.scheme !== null && ours.scheme === null);
    default:
      return false;
  }
}

function whatItTakes(user: ReadPattern): string {
  const paths = user.path === '/*' ? 'every path' : user.path.endsWith('*') ? `the paths ${user.path}` : `the path ${user.path}`;
  const hosts = user.wildcardHost ? `the hosts *${user.host}` : user.host;
  return `${paths} of ${hosts}${user.scheme ? ` over ${user.scheme}` : ''}`;
}

export interface OutrankingRoute {
  route: WorkerRouteRecord;
  /** Our pattern it wins over. */
  ours: string;
  message: string;
}

/**
 * Routes of the zone, not ours, that Cloudflare runs instead of one of our patterns for some of the requests
 * that pattern covers: it runs the most specific matching route ("Matching behavior",
 * https://developers.cloudflare.com/workers/configuration/routing/routes/), and a route with no script
 * disables Workers on its pattern. Those requests are not in maintenance; nobody would know unless told.
 * A route holding one of our patterns exactly is not here (planRoutes refuses it, drift says `rule_taken`).
 */
export function outrankingRoutes(patterns: string[], zoneRoutes: WorkerRouteRecord[]): OutrankingRoute[] {
  const ours = patterns.map((pattern) => ({ pattern, read: readPattern(pattern) })).filter((entry) => entry.read !== null);
  const found: OutrankingRoute[] = [];
  for (const route of zoneRoutes) {
    if (isOurRoute(route) || patterns.includes(route.pattern)) continue;
    const user = readPattern(route.pattern);
    const beaten = user && ours.find((entry) => outranks(user, entry.read!));
    if (!user || !beaten) continue;
    const runs = route.script ? `runs the Worker "${route.script}"` : 'turns Workers off (no script)';
    found.push({
      route,
      ours: beaten.pattern,
      message:
        `route ${route.id} (${route.pattern}) ${runs} and is more specific than our ${beaten.pattern}: Cloudflare runs the most specific ` +
        `matching route, so requests for ${whatItTakes(user)} are not in maintenance. Change or remove that route in Cloudflare if they should be`,
    });
  }
  return found;
}
