import { Raw } from 'typeorm';
import { coversEverySite, type SiteScope } from './site-scope.js';

/** A condition for a raw query, with the parameters it numbers from `$first`. */
export interface ScopeSql {
  sql: string;
  params: unknown[];
}

/**
 * `<site id column> IN (the scope's sites)`, for the queries that read a fleet-wide figure (the dashboard)
 * on behalf of someone restricted to some sites; TRUE, without parameters, for every site.
 */
export function siteIdInScope(column: string, scope: SiteScope | undefined, first: number): ScopeSql {
  if (!scope || coversEverySite(scope)) return { sql: 'TRUE', params: [] };
  return {
    sql: `${column} IN (SELECT id FROM cloudflare_sites WHERE domain = ANY($${first}::text[]) OR api_key_id = ANY($${first + 1}::uuid[]))`,
    params: [scope.domains, scope.apiKeyIds],
  };
}

const SITES_OF_SCOPE = `SELECT id FROM cloudflare_sites WHERE domain = ANY(CAST(:scopeDomains AS text[])) OR api_key_id = ANY(CAST(:scopeKeys AS uuid[]))`;

/** The same condition for a TypeORM find, on a site id column (give it only a restricted scope). */
export function siteIdInScopeWhere(scope: SiteScope) {
  return Raw((alias) => `${alias} IN (${SITES_OF_SCOPE})`, { scopeDomains: scope.domains, scopeKeys: scope.apiKeyIds });
}

/** A window id column's condition: every site of the window is in scope (give it only a restricted scope). */
export function windowIdInScopeWhere(scope: SiteScope) {
  return Raw(
    (alias) =>
      `${alias} NOT IN (SELECT e.window_id FROM scheduled_maintenance_sites e WHERE e.site_id NOT IN (${SITES_OF_SCOPE}))`,
    { scopeDomains: scope.domains, scopeKeys: scope.apiKeyIds },
  );
}

/** A window is in scope when every one of its sites is (acting on it acts on them all). */
export function windowInScope(windowId: string, scope: SiteScope | undefined, first: number): ScopeSql {
  const sites = siteIdInScope('e.site_id', scope, first);
  if (!sites.params.length) return sites;
  return { sql: `NOT EXISTS (SELECT 1 FROM scheduled_maintenance_sites e WHERE e.window_id = ${windowId} AND NOT (${sites.sql}))`, params: sites.params };
}
