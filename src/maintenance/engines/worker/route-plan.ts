import type { WorkerRouteRecord } from '../../../cloudflare/workers.js';
import { ConflictError, QuotaError } from '../../../common/errors.js';
import { WORKER_SCRIPT_NAME } from './worker-script-names.js';

/** Worker routes a zone may hold, on every plan (docs/cloudflare-facts.md#workers). */
export const ROUTES_PER_ZONE = 1000;

export interface RoutePlan {
  /** Our routes already there (left by an interrupted run, or kept through a settings change). */
  adopt: WorkerRouteRecord[];
  /** The patterns to create a route for. */
  create: string[];
}

export function isOurRoute(route: WorkerRouteRecord): boolean {
  return route.script === WORKER_SCRIPT_NAME;
}

function describeScript(route: WorkerRouteRecord): string {
  return route.script ? `the Worker "${route.script}"` : 'no Worker (a route that turns Workers off)';
}

/**
 * For each pattern the site needs: adopt our route holding it, create one where none exists. Refuses before
 * anything is written when a route of the zone holds one of the patterns for another script (the user's own
 * Worker: Cloudflare allows one route per pattern, and it is not ours to take), or when the zone has no room.
 */
export function planRoutes(domain: string, patterns: string[], zoneRoutes: WorkerRouteRecord[]): RoutePlan {
  const byPattern = new Map(zoneRoutes.map((route) => [route.pattern, route]));
  const taken = patterns.map((pattern) => byPattern.get(pattern)).filter((route): route is WorkerRouteRecord => Boolean(route && !isOurRoute(route)));
  if (taken.length) {
    throw new ConflictError(
      `${domain}: the zone already routes ${taken.map((route) => `${route.pattern} to ${describeScript(route)} (route ${route.id})`).join(', ')}. ` +
        'That route is the zone owner\'s and is left alone; remove or change it in Cloudflare, or use another engine for this site.',
    );
  }
  const adopt = patterns.map((pattern) => byPattern.get(pattern)).filter((route): route is WorkerRouteRecord => Boolean(route));
  const create = patterns.filter((pattern) => !byPattern.has(pattern));
  const free = Math.max(0, ROUTES_PER_ZONE - zoneRoutes.length);
  if (create.length > free) {
    throw new QuotaError(
      create.length,
      free,
      ROUTES_PER_ZONE,
      `${domain}: maintenance needs ${create.length} new Worker route(s) but the zone has ${free} free ` +
        `(${ROUTES_PER_ZONE} allowed per zone, ${zoneRoutes.length} in use). Remove unused Worker routes, cover all subdomains ` +
        'with one route instead of listing them, or use another engine for this site.',
    );
  }
  return { adopt, create };
}
