import { BYPASS_COOKIE, BYPASS_HEADER, BYPASS_QUERY } from '../../../sites/bypass-secret.js';
import type { SiteAccess } from '../../../sites/site-access.js';
import { normaliseHost } from '../../../sites/site-input.validation.js';
import type { SiteRuleSettings } from '../../redirect-url.js';
import { ipSet, quote, stringSet } from './rules-language.js';

export interface RuleExpressions {
  /** Which requests the redirect catches. */
  redirect: string;
  /** Which responses get the bypass cookie (a request carrying the secret in its query); only with a secret. */
  cookieLink?: string;
  /** The maintenance URL's own path, let through because the URL is on a host the site covers. */
  exemptedOwnPath?: string;
}

/** The hosts a site covers: the apex, and every subdomain or the listed ones (the same as its Page Rules). */
export function hostCondition(site: SiteRuleSettings): string {
  const domain = normaliseHost(site.domain);
  if (site.includeSubdomains) return `(http.host eq ${quote(domain)} or ends_with(http.host, ${quote(`.${domain}`)}))`;
  if (!site.subdomainList.length) return `http.host eq ${quote(domain)}`;
  return `http.host in ${stringSet([domain, ...site.subdomainList.map((sub) => `${normaliseHost(sub)}.${domain}`)])}`;
}

export function coversHost(site: SiteRuleSettings, host: string): boolean {
  const domain = normaliseHost(site.domain);
  const name = normaliseHost(host);
  if (name === domain) return true;
  if (site.includeSubdomains) return name.endsWith(`.${domain}`);
  return site.subdomainList.some((sub) => `${normaliseHost(sub)}.${domain}` === name);
}

/** The path of the maintenance URL when the site's own redirect would catch it (issue 11, item 5). */
export function ownPathToExempt(site: SiteRuleSettings, forwardUrl: string): string | undefined {
  const url = new URL(forwardUrl);
  return coversHost(site, url.hostname) ? url.pathname : undefined;
}

function secretCarriers(secret: string): string[] {
  return [
    `http.cookie contains ${quote(`${BYPASS_COOKIE}=${secret}`)}`,
    `any(http.request.headers[${quote(BYPASS_HEADER)}][*] eq ${quote(secret)})`,
    `http.request.uri.query contains ${quote(`${BYPASS_QUERY}=${secret}`)}`,
  ];
}

/**
 * The expressions of a site's rules: the redirect catches every request to a covered host except those
 * from a bypass address, those carrying the bypass secret (cookie, header, or the link's query), those
 * under an excluded path, and the maintenance page itself when it is on a covered host.
 */
export function ruleExpressions(site: SiteRuleSettings, access: SiteAccess, forwardUrl: string): RuleExpressions {
  const hosts = hostCondition(site);
  const exemptedOwnPath = ownPathToExempt(site, forwardUrl);
  const exemptions = [
    ...(access.bypassIps.length ? [`ip.src in ${ipSet(access.bypassIps)}`] : []),
    ...(access.bypassSecret ? secretCarriers(access.bypassSecret) : []),
    ...access.excludedPaths.map((path) => `starts_with(http.request.uri.path, ${quote(path)})`),
    ...(exemptedOwnPath ? [`http.request.uri.path eq ${quote(exemptedOwnPath)}`] : []),
  ];
  return {
    redirect: exemptions.length ? `${hosts} and not (${exemptions.join(' or ')})` : hosts,
    cookieLink: access.bypassSecret ? `${hosts} and http.request.uri.query contains ${quote(`${BYPASS_QUERY}=${access.bypassSecret}`)}` : undefined,
    exemptedOwnPath,
  };
}

/** The text with the bypass secret replaced, for anything an operator reads (status, dry runs, logs). */
export function maskSecret(text: string, secret: string | null): string {
  return secret ? text.split(secret).join('[secret]') : text;
}
