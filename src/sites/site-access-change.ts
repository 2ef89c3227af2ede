import { ValidationError } from '../common/errors.js';
import type { CloudflareSite } from './cloudflare-site.entity.js';
import { parseSiteEngine } from './site-engine.js';
import { ACCESS_BOUNDS, ACME_CHALLENGE_PATH, DEFAULT_EXCLUDED_PATHS, parseBypassIps, parseExcludedPaths } from './site-access.validation.js';
import type { AccessSettings } from './site.repository.js';

/** What an operator asks of a site's engine and access settings; undefined leaves a setting as it is. */
export interface AccessChanges {
  engine?: string;
  /** Addresses and CIDRs (comma-separated, or items) replacing the site's list; [] for none; null for MAINTENANCE_BYPASS_IPS. */
  bypassIps?: string | string[] | null;
  /** generate: a new secret, replacing any; remove: none. */
  bypassSecret?: 'generate' | 'remove';
  /** Path prefixes, to which /.well-known/acme-challenge/ is always added; [] for none at all; null for that default alone. */
  excludedPaths?: string | string[] | null;
}

export interface AccessPlan {
  settings: AccessSettings;
  /** A newly generated secret, to be shown once; never stored or logged in the clear. */
  newSecret: string | null;
  /** The settings that change: engine, bypass IPs, bypass secret, excluded paths. */
  changed: string[];
  /** One line for the audit row: before → after of each change, the secret only as generated or removed. */
  audit: string | null;
}

type Site = Pick<CloudflareSite, 'domain'> & AccessSettings;

/**
 * The next engine and access settings of a site, validated whole before anything is written. Page Rules
 * cannot tell visitors apart or skip paths, so a page_rules site holding a bypass or an exclusion is refused
 * either way round: setting one names the redirect_rule engine; switching back names what to clear
 * (docs/input-validation.md#site-access).
 */
export function planAccessChange(
  site: Site,
  changes: AccessChanges,
  secrets: { generate: () => string; seal: (secret: string) => string },
): AccessPlan {
  const engine = changes.engine === undefined ? site.engine : parseSiteEngine(changes.engine);
  const bypassIps = changes.bypassIps === undefined ? site.bypassIps : changes.bypassIps === null ? null : parseBypassIps(changes.bypassIps);
  const excludedPaths =
    changes.excludedPaths === undefined
      ? site.excludedPaths
      : changes.excludedPaths === null
        ? [...DEFAULT_EXCLUDED_PATHS]
        : Array.isArray(changes.excludedPaths) && changes.excludedPaths.length === 0
          ? []
          : withAcmeChallenge(parseExcludedPaths(changes.excludedPaths));
  const newSecret = changes.bypassSecret === 'generate' ? secrets.generate() : null;
  const bypassSecretCipher = newSecret ? secrets.seal(newSecret) : changes.bypassSecret === 'remove' ? null : site.bypassSecretCipher;
  const settings: AccessSettings = { engine, bypassIps, bypassSecretCipher, excludedPaths };
  if (engine === 'page_rules') refuseRedirectOnly(site, changes, settings);

  const lines: [string, string][] = [];
  if (engine !== site.engine) lines.push(['engine', `engine ${site.engine} → ${engine}`]);
  if (!sameList(bypassIps, site.bypassIps)) lines.push(['bypass IPs', `bypass IPs ${describeIps(site.bypassIps)} → ${describeIps(bypassIps)}`]);
  if (newSecret || bypassSecretCipher !== site.bypassSecretCipher) {
    lines.push(['bypass secret', `bypass secret ${newSecret ? (site.bypassSecretCipher ? 'replaced' : 'generated') : 'removed'}`]);
  }
  if (!sameList(excludedPaths, site.excludedPaths)) {
    lines.push(['excluded paths', `excluded paths ${describePaths(site.excludedPaths)} → ${describePaths(excludedPaths)}`]);
  }
  return {
    settings,
    newSecret,
    changed: lines.map(([name]) => name),
    audit: lines.length ? lines.map(([, line]) => line).join('; ') : null,
  };
}

/** What a page_rules site cannot honour; the default ACME exclusion and an empty IP list are nothing to honour. */
export function redirectOnlySettings(settings: Omit<AccessSettings, 'engine'>): string[] {
  const held: string[] = [];
  if (settings.bypassIps?.length) held.push(`bypass IPs (${settings.bypassIps.join(', ')})`);
  if (settings.bypassSecretCipher) held.push('a bypass secret');
  const paths = settings.excludedPaths.filter((path) => path !== ACME_CHALLENGE_PATH);
  if (paths.length) held.push(`excluded paths (${paths.join(', ')})`);
  return held;
}

function refuseRedirectOnly(site: Site, changes: AccessChanges, next: AccessSettings): void {
  const asked = redirectOnlySettings({
    bypassIps: changes.bypassIps === undefined ? null : next.bypassIps,
    bypassSecretCipher: changes.bypassSecret === 'generate' ? next.bypassSecretCipher : null,
    excludedPaths: changes.excludedPaths === undefined ? [] : next.excludedPaths,
  });
  if (asked.length) {
    const field = changes.bypassIps !== undefined && next.bypassIps?.length ? 'bypassIps' : changes.bypassSecret === 'generate' ? 'bypassSecret' : 'excludedPaths';
    throw new ValidationError(
      `${site.domain} uses the page_rules engine, which cannot let staff through or exclude paths (Page Rules match URLs only), ` +
        `so ${asked.join(' and ')} cannot be set; choose the redirect_rule or worker engine in the same change (--engine redirect_rule).`,
      { field },
    );
  }
  const held = redirectOnlySettings(next);
  if (held.length) {
    throw new ValidationError(
      `${site.domain} cannot switch to the page_rules engine while it has ${held.join(' and ')}: Page Rules cannot honour them, ` +
        'and dropping them silently would lock staff out or redirect the excluded paths. Clear them in the same change ' +
        '(--no-bypass --default-exclude-path), or keep the redirect_rule or worker engine.',
      { field: 'engine' },
    );
  }
}

/** A given list keeps the ACME HTTP-01 path first, so that certificates renew during a long maintenance. */
function withAcmeChallenge(paths: string[]): string[] {
  const all = paths.includes(ACME_CHALLENGE_PATH) ? paths : [ACME_CHALLENGE_PATH, ...paths];
  if (all.length > ACCESS_BOUNDS.excludedPaths) {
    throw new ValidationError(
      `Too many excluded paths: ${all.length} with ${ACME_CHALLENGE_PATH}, at most ${ACCESS_BOUNDS.excludedPaths} (exclude a common parent instead).`,
      { field: 'excludedPaths' },
    );
  }
  return all;
}

function sameList(a: string[] | null, b: string[] | null): boolean {
  return a === null || b === null ? a === b : a.join(',') === b.join(',');
}

function describeIps(ips: string[] | null): string {
  return ips === null ? '(MAINTENANCE_BYPASS_IPS)' : ips.length ? ips.join(', ') : '(none)';
}

function describePaths(paths: string[]): string {
  return paths.length ? paths.join(', ') : '(none)';
}
