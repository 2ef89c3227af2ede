import { Raw } from 'typeorm';
import type { SiteScope } from '../../access/site-scope.js';

/** Which column of a resource's rows a site scope narrows, and how. */
export type ScopeCondition = (scope: SiteScope) => { column: string; condition: ReturnType<typeof Raw> };

const IN_SCOPE_SITES = `SELECT id FROM cloudflare_sites WHERE domain = ANY(CAST(:scopeDomains AS text[])) OR api_key_id = ANY(CAST(:scopeKeys AS uuid[]))`;

const parameters = (scope: SiteScope) => ({ scopeDomains: scope.domains, scopeKeys: scope.apiKeyIds });

/** Sites: those the scope names by domain or by key. */
export const sitesInScope: ScopeCondition = (scope) => ({
  column: 'id',
  condition: Raw((alias) => `${alias} IN (${IN_SCOPE_SITES})`, parameters(scope)),
});

/** Audit rows: those of sites in scope. */
export const logsInScope: ScopeCondition = (scope) => ({
  column: 'siteId',
  condition: Raw((alias) => `${alias} IN (${IN_SCOPE_SITES})`, parameters(scope)),
});

/** Windows: those whose every site is in scope, since acting on one acts on all its sites. */
export const windowsInScope: ScopeCondition = (scope) => ({
  column: 'id',
  condition: Raw(
    (alias) =>
      `${alias} NOT IN (SELECT e.window_id FROM scheduled_maintenance_sites e JOIN cloudflare_sites s ON s.id = e.site_id
                         WHERE NOT (s.domain = ANY(CAST(:scopeDomains AS text[])) OR s.api_key_id = ANY(CAST(:scopeKeys AS uuid[]))))`,
    parameters(scope),
  ),
});
