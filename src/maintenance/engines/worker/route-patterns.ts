import { type CoveredHosts, coveredHosts, type WorkerSiteInput } from './worker-site-entry.js';

/**
 * The Worker routes a site needs: `host/*` per exact host and `*.domain/*` for every subdomain. Never
 * `*domain/*`: a leading `*` matches any characters, so it would also catch `notdomain` (Cloudflare's
 * route matching, docs/worker-engine.md#routes).
 */
export function routePatternsOf(covered: CoveredHosts): string[] {
  return [...covered.hosts.map((host) => `${host}/*`), ...covered.hostSuffixes.map((suffix) => `*${suffix}/*`)];
}

export function workerRoutePatterns(settings: WorkerSiteInput['settings']): string[] {
  return routePatternsOf(coveredHosts(settings));
}
