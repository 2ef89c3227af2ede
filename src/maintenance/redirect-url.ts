import { ValidationError } from '../common/errors.js';
import { engineNeedsForwardUrl, type SiteEngine } from '../sites/site-engine.js';

/** The operator's settings that decide what maintenance covers and where visitors go. */
export interface SiteRuleSettings {
  domain: string;
  includeSubdomains: boolean;
  subdomainList: string[];
  maintenanceUrl: string | null;
}

export function noForwardUrlMessage(domain: string): string {
  return (
    'has no maintenance URL and PUBLIC_URL is not set, so there is nowhere to send visitors. ' +
    `Set one with \`maintenance sites update ${domain} --maintenance-url https://…\` or set PUBLIC_URL.`
  );
}

export function maintenanceRedirectUrl(site: SiteRuleSettings, publicUrl: string | undefined): string {
  if (site.maintenanceUrl) return site.maintenanceUrl;
  if (!publicUrl) throw new ValidationError(`${site.domain} ${noForwardUrlMessage(site.domain)}`);
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

/**
 * Where the site's engine sends visitors: the redirect URL (refused when there is none) for an engine that
 * redirects, undefined for one that sends nobody anywhere (the worker engine answers in place).
 */
export function forwardUrlFor(site: SiteRuleSettings & { engine: SiteEngine }, publicUrl: string | undefined): string | undefined {
  return engineNeedsForwardUrl(site.engine) ? maintenanceRedirectUrl(site, publicUrl) : undefined;
}

/** The URL a redirecting engine is given; the services refuse a site without one before calling the engine. */
export function requireForwardUrl(site: SiteRuleSettings, forwardUrl: string | undefined): string {
  if (forwardUrl === undefined) throw new ValidationError(`${site.domain} ${noForwardUrlMessage(site.domain)}`);
  return forwardUrl;
}
