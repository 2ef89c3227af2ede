import { createHash } from 'node:crypto';
import type { SiteAccess } from '../../../sites/site-access.js';
import { normaliseHost } from '../../../sites/site-input.validation.js';
import type { SiteRuleSettings } from '../../redirect-url.js';

/** One site as the Worker script holds it: what it covers, who gets through, and what it answers. */
export interface WorkerSiteEntry {
  siteId: string;
  domain: string;
  /** Exact hosts (lower case) the site covers. */
  hosts: string[];
  /** Host suffixes like ".example.com" (every subdomain). */
  hostSuffixes: string[];
  /** Canonical IPv4/IPv6 addresses and CIDR ranges. */
  bypassIps: string[];
  /** Hex SHA-256 of the bypass secret; the plain secret is never in the script (docs/worker-engine.md#why-only-a-hash-of-the-secret). */
  bypassSecretSha256: string | null;
  /** Path prefixes let through, compared as the redirect engine's starts_with. */
  excludedPaths: string[];
  /** ISO end of the active window, for Retry-After. */
  endsAt: string | null;
  /** Retry-After when there is no window end. */
  retryAfterSeconds: number;
  /** Language tag ('default', 'en', 'fr', …) → the whole page, already rendered. */
  pages: Record<string, string>;
}

export interface WorkerSiteInput {
  siteId: string;
  settings: Pick<SiteRuleSettings, 'domain' | 'includeSubdomains' | 'subdomainList'>;
  access: SiteAccess;
  endsAt: Date | null;
  retryAfterSeconds: number;
  pages: Record<string, string>;
}

export type CoveredHosts = Pick<WorkerSiteEntry, 'hosts' | 'hostSuffixes'>;

/** The hosts a site covers, as redirect-expression.ts's hostCondition reads the same settings. */
export function coveredHosts(settings: WorkerSiteInput['settings']): CoveredHosts {
  const domain = normaliseHost(settings.domain);
  if (settings.includeSubdomains) return { hosts: [domain], hostSuffixes: [`.${domain}`] };
  const listed = settings.subdomainList.map((sub) => `${normaliseHost(sub)}.${domain}`);
  return { hosts: [domain, ...[...new Set(listed)].filter((host) => host !== domain).sort()], hostSuffixes: [] };
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function workerSiteEntry(input: WorkerSiteInput): WorkerSiteEntry {
  if (!Number.isInteger(input.retryAfterSeconds) || input.retryAfterSeconds < 1) {
    throw new Error(`The default Retry-After of site ${input.siteId} must be a whole number of seconds, at least 1; got ${input.retryAfterSeconds}.`);
  }
  const pages = Object.entries(input.pages).map(([language, html]) => [language.toLowerCase(), html] as const);
  if (!pages.some(([language]) => language === 'default')) {
    throw new Error(`The pages of site ${input.siteId} have no 'default' page (got ${pages.map(([language]) => language).join(', ') || 'none'}).`);
  }
  return {
    siteId: input.siteId,
    domain: normaliseHost(input.settings.domain),
    ...coveredHosts(input.settings),
    bypassIps: [...input.access.bypassIps],
    bypassSecretSha256: input.access.bypassSecret === null ? null : sha256Hex(input.access.bypassSecret),
    excludedPaths: [...input.access.excludedPaths],
    endsAt: input.endsAt?.toISOString() ?? null,
    retryAfterSeconds: input.retryAfterSeconds,
    // Sorted: the same pages always make the same script, and so the same version.
    pages: Object.fromEntries(pages.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
}
