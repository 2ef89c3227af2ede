/**
 * Which sites a token or a user may touch: every site (both lists empty), or the sites named by domain
 * and the sites of the Cloudflare keys named. A site matching either list is in scope.
 */
export interface SiteScope {
  domains: string[];
  apiKeyIds: string[];
}

export const EVERY_SITE: SiteScope = { domains: [], apiKeyIds: [] };

export function coversEverySite(scope: SiteScope): boolean {
  return scope.domains.length === 0 && scope.apiKeyIds.length === 0;
}

export function siteInScope(scope: SiteScope, site: { domain: string; apiKeyId: string }): boolean {
  return coversEverySite(scope) || scope.domains.includes(site.domain) || scope.apiKeyIds.includes(site.apiKeyId);
}
