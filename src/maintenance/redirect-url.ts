import { ValidationError } from '../common/errors.js';

/** The operator's settings that decide what maintenance covers and where visitors go. */
export interface SiteRuleSettings {
  domain: string;
  includeSubdomains: boolean;
  subdomainList: string[];
  maintenanceUrl: string | null;
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
