import type { Reply } from './envelope.js';
import {
  createPageRule,
  deletePageRule,
  editPageRule,
  getPageRule,
  listPageRules,
  updatePageRule,
} from './page-rules.handlers.js';
import type { Handler, RequestContext } from './request-context.js';
import {
  createRule,
  createRuleset,
  deleteRule,
  deleteRuleset,
  editRule,
  getEntrypoint,
  getRuleset,
  listRulesets,
  putEntrypoint,
  updateRuleset,
} from './rulesets.handlers.js';
import { verifyToken } from './tokens.handlers.js';
import { createRoute, deleteRoute, getRoute, listRoutes, updateRoute } from './workers-routes.handlers.js';
import { deleteScript, getScriptSettings, getWorkersDev, listScripts, setWorkersDev, uploadScript } from './workers-scripts.handlers.js';
import { getZone, listAccounts, listZones } from './zones.handlers.js';
import { matchTemplate } from '../path-template.js';

interface Route {
  method: string;
  template: string;
  /** Token-authenticated handler, or one that does its own authentication. */
  handler: { authed: Handler } | { raw: (ctx: RequestContext) => Reply };
}

const ROUTES: Route[] = [
  { method: 'GET', template: '/user/tokens/verify', handler: { raw: verifyToken } },
  { method: 'GET', template: '/accounts', handler: { authed: listAccounts } },
  { method: 'GET', template: '/zones', handler: { authed: listZones } },
  { method: 'GET', template: '/zones/{zone_id}', handler: { authed: getZone } },
  { method: 'GET', template: '/zones/{zone_id}/pagerules', handler: { authed: listPageRules } },
  { method: 'POST', template: '/zones/{zone_id}/pagerules', handler: { authed: createPageRule } },
  { method: 'GET', template: '/zones/{zone_id}/pagerules/{pagerule_id}', handler: { authed: getPageRule } },
  { method: 'PUT', template: '/zones/{zone_id}/pagerules/{pagerule_id}', handler: { authed: updatePageRule } },
  { method: 'PATCH', template: '/zones/{zone_id}/pagerules/{pagerule_id}', handler: { authed: editPageRule } },
  { method: 'DELETE', template: '/zones/{zone_id}/pagerules/{pagerule_id}', handler: { authed: deletePageRule } },
  { method: 'GET', template: '/zones/{zone_id}/rulesets', handler: { authed: listRulesets } },
  { method: 'POST', template: '/zones/{zone_id}/rulesets', handler: { authed: createRuleset } },
  {
    method: 'GET',
    template: '/zones/{zone_id}/rulesets/phases/{ruleset_phase}/entrypoint',
    handler: { authed: getEntrypoint },
  },
  {
    method: 'PUT',
    template: '/zones/{zone_id}/rulesets/phases/{ruleset_phase}/entrypoint',
    handler: { authed: putEntrypoint },
  },
  { method: 'GET', template: '/zones/{zone_id}/rulesets/{ruleset_id}', handler: { authed: getRuleset } },
  { method: 'PUT', template: '/zones/{zone_id}/rulesets/{ruleset_id}', handler: { authed: updateRuleset } },
  { method: 'DELETE', template: '/zones/{zone_id}/rulesets/{ruleset_id}', handler: { authed: deleteRuleset } },
  { method: 'POST', template: '/zones/{zone_id}/rulesets/{ruleset_id}/rules', handler: { authed: createRule } },
  {
    method: 'PATCH',
    template: '/zones/{zone_id}/rulesets/{ruleset_id}/rules/{rule_id}',
    handler: { authed: editRule },
  },
  {
    method: 'DELETE',
    template: '/zones/{zone_id}/rulesets/{ruleset_id}/rules/{rule_id}',
    handler: { authed: deleteRule },
  },
  { method: 'GET', template: '/accounts/{account_id}/workers/scripts', handler: { authed: listScripts } },
  { method: 'PUT', template: '/accounts/{account_id}/workers/scripts/{script_name}', handler: { authed: uploadScript } },
  { method: 'DELETE', template: '/accounts/{account_id}/workers/scripts/{script_name}', handler: { authed: deleteScript } },
  {
    method: 'GET',
    template: '/accounts/{account_id}/workers/scripts/{script_name}/script-settings',
    handler: { authed: getScriptSettings },
  },
  { method: 'GET', template: '/accounts/{account_id}/workers/scripts/{script_name}/subdomain', handler: { authed: getWorkersDev } },
  { method: 'POST', template: '/accounts/{account_id}/workers/scripts/{script_name}/subdomain', handler: { authed: setWorkersDev } },
  { method: 'GET', template: '/zones/{zone_id}/workers/routes', handler: { authed: listRoutes } },
  { method: 'POST', template: '/zones/{zone_id}/workers/routes', handler: { authed: createRoute } },
  { method: 'GET', template: '/zones/{zone_id}/workers/routes/{route_id}', handler: { authed: getRoute } },
  { method: 'PUT', template: '/zones/{zone_id}/workers/routes/{route_id}', handler: { authed: updateRoute } },
  { method: 'DELETE', template: '/zones/{zone_id}/workers/routes/{route_id}', handler: { authed: deleteRoute } },
];

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

export function findRoute(method: string, path: string): RouteMatch | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    // The fake, like Cloudflare, tolerates a trailing slash; the conformance check does not.
    const params = matchTemplate(route.template, path.replace(/\/+$/, ''));
    if (params) return { route, params };
  }
  return undefined;
}
