import type { SiteRuleSettings } from '../../redirect-url.js';

/**
 * `*example.com/*` covers the apex and every subdomain in one rule; otherwise the apex plus one rule
 * per listed subdomain (docs/cloudflare-facts.md#patterns).
 */
export function maintenanceTargets(site: SiteRuleSettings): string[] {
  if (site.includeSubdomains) return [`*${site.domain}/*`];
  return [`${site.domain}/*`, ...site.subdomainList.map((sub) => `${sub}.${site.domain}/*`)];
}

/**
 * The same URLs as `target`, spelled differently: a trailing `/**` matches exactly what `/*` matches.
 * Used when a user's own rule already holds the plain pattern, since Cloudflare allows one rule per
 * target string. (`http*://…` would be the natural spelling, but Cloudflare's published schema only
 * admits `http://` or `https://` as a scheme prefix.)
 */
export function equivalentTarget(target: string): string {
  return target.replace(/\/\*$/, '/**');
}
