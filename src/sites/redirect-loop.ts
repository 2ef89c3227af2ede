import { ValidationError } from '../common/errors.js';
import { normaliseHost } from './site-input.validation.js';

export interface CoveredSite {
  domain: string;
  includeSubdomains: boolean;
  subdomainList: string[];
  /** The site's own maintenance URL; null sends visitors to the default page under PUBLIC_URL. */
  maintenanceUrl: string | null;
}

export interface RedirectLoop {
  /** The URL visitors would be sent to. */
  url: string;
  host: string;
  /** The site's rule that catches that URL again, as Page Rules spell it. */
  pattern: string;
  /** The URL is the default page under PUBLIC_URL, not the site's own. */
  viaPublicUrl: boolean;
}

/**
 * Whether the site's own maintenance rules would catch the page they redirect to, so that every visitor
 * is redirected to it again and again. A rule acts only on its zone's hostnames, matches every path, port
 * and scheme of the hosts it names (docs/input-validation.md), so a URL is caught exactly when its host is
 * one the site covers. Hosts compare as DNS names: case-insensitive, without the root's trailing dot,
 * internationalised names as punycode.
 */
export function findRedirectLoop(site: CoveredSite, publicUrl: string | undefined): RedirectLoop | undefined {
  const url = site.maintenanceUrl ?? publicUrl;
  if (!url) return undefined;
  let host: string;
  try {
    host = normaliseHost(new URL(url).hostname);
  } catch {
    return undefined;
  }
  const domain = normaliseHost(site.domain);
  const pattern = catchingPattern(site, domain, host);
  return pattern ? { url, host, pattern, viaPublicUrl: !site.maintenanceUrl } : undefined;
}

function catchingPattern(site: CoveredSite, domain: string, host: string): string | undefined {
  if (site.includeSubdomains) return host === domain || host.endsWith(`.${domain}`) ? `*${domain}/*` : undefined;
  if (host === domain) return `${domain}/*`;
  const subdomain = site.subdomainList.map((entry) => `${normaliseHost(entry)}.${domain}`).find((name) => name === host);
  return subdomain ? `${subdomain}/*` : undefined;
}

/** Why the site's own rules would catch its maintenance page, naming the URL and the rule; null when they would not. */
export function redirectLoopMessage(site: CoveredSite, publicUrl: string | undefined): string | null {
  const loop = findRedirectLoop(site, publicUrl);
  if (!loop) return null;
  const where = loop.viaPublicUrl ? `The default maintenance page under PUBLIC_URL (${loop.url})` : `The maintenance URL ${loop.url}`;
  const instead = loop.viaPublicUrl
    ? `give ${site.domain} a --maintenance-url on another host, or serve PUBLIC_URL from a host that ${site.domain} does not cover`
    : `use a URL on a host outside ${site.domain}'s maintenance rules (another domain, or a subdomain left out with --subdomains)`;
  return (
    `${where} is on ${loop.host}, which ${site.domain}'s own maintenance rule ${loop.pattern} catches: visitors would be ` +
    `redirected to it again and again ("too many redirects"). Instead, ${instead}.`
  );
}

/** Refuses settings whose maintenance page the site's own rules would catch. */
export function assertNoRedirectLoop(site: CoveredSite, publicUrl: string | undefined): void {
  const message = redirectLoopMessage(site, publicUrl);
  if (message) throw new ValidationError(message, { field: 'maintenanceUrl' });
}
