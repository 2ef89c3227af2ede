import type { WorkerRouteRecord } from '../../../cloudflare/workers.js';
import type { MaintenanceState, OwnedRule } from '../../../sites/cloudflare-site.entity.js';
import type { Drift } from '../maintenance-engine.js';
import { storedStateDrift } from '../stored-state-drift.js';
import { outrankingRoutes } from './outranking-routes.js';
import { isOurRoute } from './route-plan.js';
import { isWorkerRouteTarget, patternOfTarget } from './worker-route-target.js';
import { WORKER_SCRIPT_NAME } from './worker-script-names.js';

export interface WorkerSiteSnapshot {
  maintenanceState: MaintenanceState;
  maintenanceRules: OwnedRule[];
}

/** The account's script: the version deployed (null: none) and the one the stored sites need (null: none). */
export interface ScriptVersions {
  deployed: string | null;
  desired: string | null;
  /** The deployed script also answers on the account's workers.dev subdomain or its Preview URLs. */
  onWorkersDev?: boolean;
}

/**
 * Our routes of this site in the zone: those of our script holding one of its patterns, and those whose ids it
 * stored, as long as they still run our script (a route someone pointed at another Worker is theirs now).
 */
export function ourRoutes(site: WorkerSiteSnapshot, patterns: string[], routes: WorkerRouteRecord[]): WorkerRouteRecord[] {
  const stored = new Set(site.maintenanceRules.filter((rule) => isWorkerRouteTarget(rule.target)).map((rule) => rule.id));
  return routes.filter((route) => isOurRoute(route) && (patterns.includes(route.pattern) || stored.has(route.id)));
}

/** Reported on a site in maintenance, whose reconcile (a re-apply) turns it off. */
function workersDevDrift({ deployed, onWorkersDev }: ScriptVersions): Drift[] {
  if (!onWorkersDev || deployed === null) return [];
  return [
    {
      kind: 'rule_stale',
      message:
        `the worker script ${WORKER_SCRIPT_NAME} also answers on the account's workers.dev subdomain (turned on in Cloudflare?): ` +
        'no site matches there, and those requests count against the Workers plan\'s daily requests',
    },
  ];
}

function scriptDrift({ deployed, desired }: ScriptVersions): Drift[] {
  if (deployed === desired) return [];
  if (desired === null) {
    return [{ kind: 'rule_orphaned', message: `the worker script ${WORKER_SCRIPT_NAME} is deployed but no site of the account needs it any more` }];
  }
  if (deployed === null) {
    return [{ kind: 'rule_missing', message: `the worker script ${WORKER_SCRIPT_NAME} is missing from the account (deleted by hand?)` }];
  }
  return [
    {
      kind: 'rule_stale',
      message: `the worker script ${WORKER_SCRIPT_NAME} is version ${deployed || '(none)'}, but the sites of the account need version ${desired} (settings, page or window changed)`,
    },
  ];
}

/**
 * How the zone and the account's script differ from the stored state (docs/promises.md#the-truth-is-in-cloudflare).
 * A route of ours that now runs another Worker is reported (`rule_taken`) and never rewritten: someone chose
 * that Worker for the pattern, and only they can say whether maintenance should win over it. Likewise a user's
 * route more specific than ours, which takes some of the site's requests (`rule_outranked`).
 */
export function detectDrift(site: WorkerSiteSnapshot, patterns: string[], routes: WorkerRouteRecord[], script: ScriptVersions, claimAbandoned: boolean): Drift[] {
  const ours = ourRoutes(site, patterns, routes);
  const byId = new Map(routes.map((route) => [route.id, route]));
  const storedRoutes = site.maintenanceRules.filter((rule) => isWorkerRouteTarget(rule.target));
  const storedIds = new Set(storedRoutes.map((rule) => rule.id));
  const drift: Drift[] = [];

  switch (site.maintenanceState) {
    case 'on': {
      const reported = new Set<string>();
      for (const rule of storedRoutes) {
        const route = byId.get(rule.id);
        if (route && isOurRoute(route)) continue;
        reported.add(patternOfTarget(rule.target));
        drift.push(
          route
            ? { kind: 'rule_taken', ruleId: rule.id, message: `route ${rule.id} (${route.pattern}) now runs ${route.script ? `the Worker "${route.script}"` : 'no Worker'} instead of ours` }
            : { kind: 'rule_missing', ruleId: rule.id, message: `route ${rule.id} (${patternOfTarget(rule.target)}) is no longer in the zone (deleted by hand?)` },
        );
      }
      for (const pattern of patterns) {
        if (reported.has(pattern)) continue;
        const route = routes.find((candidate) => candidate.pattern === pattern);
        if (!route) drift.push({ kind: 'rule_missing', message: `no route of ours for ${pattern} is in the zone, and the site's settings need it` });
        else if (!isOurRoute(route)) drift.push({ kind: 'rule_taken', ruleId: route.id, message: `route ${route.id} (${pattern}) runs ${route.script ? `the Worker "${route.script}"` : 'no Worker'}, not ours` });
        else if (!storedIds.has(route.id)) drift.push({ kind: 'rule_orphaned', ruleId: route.id, message: `route ${route.id} (${pattern}) is ours but not recorded` });
      }
      for (const route of ours) {
        if (!patterns.includes(route.pattern)) drift.push({ kind: 'rule_orphaned', ruleId: route.id, message: `route ${route.id} (${route.pattern}) is ours but the site's settings no longer need it` });
      }
      for (const { route, message } of outrankingRoutes(patterns, routes)) drift.push({ kind: 'rule_outranked', ruleId: route.id, message });
      drift.push(...scriptDrift(script), ...workersDevDrift(script));
      break;
    }
    case 'off':
      for (const route of ours) {
        drift.push({ kind: 'rule_orphaned', ruleId: route.id, message: `route ${route.id} (${route.pattern}) is ours but the site is out of maintenance (left by a crash?)` });
      }
      drift.push(...scriptDrift(script));
      break;
    default:
      drift.push(...storedStateDrift(site, claimAbandoned));
  }
  return drift;
}
