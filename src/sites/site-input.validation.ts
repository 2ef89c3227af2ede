import { domainToASCII } from 'node:url';
import { z } from 'zod';
import { ValidationError } from '../common/errors.js';
import { parseFreeText, TEXT_BOUNDS } from '../common/free-text.validation.js';

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

export function normaliseHost(raw: string): string {
  const lowered = raw.trim().toLowerCase().replace(/\.$/, '');
  return /[^\p{ASCII}]/u.test(lowered) ? domainToASCII(lowered) : lowered;
}

export function parseDomain(raw: string): string {
  const domain = normaliseHost(raw);
  const labels = domain.split('.');
  const valid =
    domain.length > 0 &&
    domain.length <= 253 &&
    labels.length >= 2 &&
    labels.every((label) => LABEL.test(label)) &&
    TLD.test(labels[labels.length - 1]);
  if (!valid) {
    throw new ValidationError(
      `Invalid domain "${raw}": expected a registered domain name such as example.com ` +
        '(letters, digits and hyphens in dot-separated labels; no scheme, path, port, wildcard or IP address).',
      { field: 'domain' },
    );
  }
  return domain;
}

/** Subdomain entries are host prefixes under the site's domain: "www", "api", "eu.shop". */
export function parseSubdomains(raw: string | string[], domain: string): string[] {
  const entries = (Array.isArray(raw) ? raw : raw.split(','))
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry, index, all) => entry.length > 0 && all.indexOf(entry) === index);
  for (const entry of entries) {
    if (entry === domain || entry.endsWith(`.${domain}`)) {
      throw new ValidationError(
        `Invalid subdomain "${entry}": give the part before .${domain} only (for www.${domain}, write "www").`,
        { field: 'subdomains' },
      );
    }
    const labels = entry.split('.');
    if (!labels.every((label) => LABEL.test(label)) || `${entry}.${domain}`.length > 253) {
      throw new ValidationError(
        `Invalid subdomain "${entry}": expected labels of letters, digits and hyphens (1–63 characters, ` +
          'not starting or ending with a hyphen, no wildcard), e.g. "www" or "eu.shop".',
        { field: 'subdomains' },
      );
    }
  }
  return entries;
}

const urlSchema = z.string().max(2048);

export function parseMaintenanceUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(urlSchema.parse(raw.trim()));
  } catch {
    throw new ValidationError(
      `Invalid maintenance URL "${raw}": expected an absolute http:// or https:// URL with a host, e.g. https://status.example.com/maintenance.`,
      { field: 'maintenanceUrl' },
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ValidationError(
      `Invalid maintenance URL "${raw}": the scheme ${url.protocol} is not accepted; use http:// or https://.`,
      { field: 'maintenanceUrl' },
    );
  }
  if (!url.hostname) {
    throw new ValidationError(`Invalid maintenance URL "${raw}": it has no host.`, { field: 'maintenanceUrl' });
  }
  if (url.username || url.password) {
    throw new ValidationError(`Invalid maintenance URL "${raw}": credentials in a URL are not accepted.`, { field: 'maintenanceUrl' });
  }
  const reference = wildcardReference(url.toString());
  if (reference) {
    throw new ValidationError(
      `Invalid maintenance URL "${raw}": Cloudflare replaces "${reference}" in a forwarding URL with a wildcard match of the ` +
        "rule's pattern (Page Rules' $1…$N), so visitors would not reach this URL; remove it (write %24 for a literal dollar sign).",
      { field: 'maintenanceUrl' },
    );
  }
  return url.toString();
}

/** `$` and a digit in a URL: what Page Rules read as a reference to a wildcard match (docs/input-validation.md). */
export function wildcardReference(url: string): string | undefined {
  return /\$\d+/.exec(url)?.[0];
}

/** A site's display name: one line of at most TEXT_BOUNDS.siteName characters; blank is null. */
export function parseSiteName(raw: string | null | undefined): string | null {
  return parseFreeText(raw, { field: 'name', label: 'site name', max: TEXT_BOUNDS.siteName });
}

export function parseZoneId(raw: string): string {
  const zoneId = raw.trim().toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(zoneId)) {
    throw new ValidationError(`Invalid zone id "${raw}": expected Cloudflare's 32-character hexadecimal zone identifier.`, { field: 'zoneId' });
  }
  return zoneId;
}
