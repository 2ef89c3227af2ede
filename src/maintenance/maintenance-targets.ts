import { ValidationError } from '../common/errors.js';

export interface SiteRuleSettings {
  domain: string;
  includeSubdomains: boolean;
  subdomainList: string[];
  maintenanceUrl: string | null;
}

/**
 * `*example.com/*` covers the apex and every subdomain in one rule; otherwise the apex plus one rule
 * per listed subdomain (DESIGN.md §2).
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

export function maintenanceRedirectUrl(site: SiteRuleSettings, publicUrl: string | undefined): string {
  if (site.maintenanceUrl) return site.maintenanceUrl;
  if (!publicUrl) {
    throw new ValidationError(
      `${site.domain} has no maintenance URL and PUBLIC_URL is not set, so there is nowhere to send visitors. ` +
        `Set one with \`maintenance sites update ${site.domain} --maintenance-url https://…\` or set PUBLIC_URL.`,
    );
  }
  const url = new URL(publicUrl);
  url.pathname = `${url.pathname.replace(/\/$/, '')}/maintenance`;
  url.search = '';
  url.searchParams.set('site', site.domain);
  return url.toString();
}

/** The redirect URL, or undefined when the site has none and PUBLIC_URL is unset. */
export function redirectUrlIfKnown(site: SiteRuleSettings, publicUrl: string | undefined): string | undefined {
  return site.maintenanceUrl ?? (publicUrl ? maintenanceRedirectUrl(site, publicUrl) : undefined);
}
