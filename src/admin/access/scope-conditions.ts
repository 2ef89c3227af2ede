import type { Raw } from 'typeorm';
import { siteIdInScopeWhere, windowIdInScopeWhere } from '../../access/site-scope-sql.js';
import type { SiteScope } from '../../access/site-scope.js';

/** Which column of a resource's rows a site scope narrows, and how (a find condition on that column). */
export type ScopeCondition = (scope: SiteScope) => { column: string; condition: ReturnType<typeof Raw> };

/** Sites: those the scope names by domain or by key. */
export const sitesInScope: ScopeCondition = (scope) => ({ column: 'id', condition: siteIdInScopeWhere(scope) });

/** Audit rows: those of sites in scope. */
export const logsInScope: ScopeCondition = (scope) => ({ column: 'siteId', condition: siteIdInScopeWhere(scope) });

/** Windows: those whose every site is in scope, since acting on one acts on all its sites. */
export const windowsInScope: ScopeCondition = (scope) => ({ column: 'id', condition: windowIdInScopeWhere(scope) });
