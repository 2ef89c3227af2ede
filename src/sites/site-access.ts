import { Inject, Injectable } from '@nestjs/common';
import { TokenCipher } from '../api-keys/token-cipher.js';
import { ConflictError } from '../common/errors.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { BYPASS_SECRET_MASK, generateBypassSecret } from './bypass-secret.js';
import type { CloudflareSite } from './cloudflare-site.entity.js';
import { type AccessChanges, type AccessPlan, planAccessChange } from './site-access-change.js';
import type { SiteEngine } from './site-engine.js';

/** Who and what the redirect_rule engine lets through while a site is in maintenance. */
export interface SiteAccess {
  /** Canonical IPv4/IPv6 addresses and CIDR ranges (the site's own list, else MAINTENANCE_BYPASS_IPS). */
  bypassIps: string[];
  /** The plain bypass secret, or null when the site has none. Never log or show it. */
  bypassSecret: string | null;
  /** Path prefixes never redirected. */
  excludedPaths: string[];
}

/** How every view (CLI tables and JSON, the admin) shows a site's engine and access: the secret masked. */
export interface SiteAccessView {
  engine: SiteEngine;
  bypassIps: string[];
  /** site: the site's own list; default: MAINTENANCE_BYPASS_IPS. */
  bypassIpsFrom: 'site' | 'default';
  /** The mask when a secret is set, else null. */
  bypassSecret: string | null;
  excludedPaths: string[];
}

/** "203.0.113.0/24 (default); secret ••••••••": what lets staff through, the secret masked. */
export function bypassSummary(access: SiteAccessView): string {
  const ips = access.bypassIps.length ? access.bypassIps.join(', ') : 'no IPs';
  const parts = [access.bypassIpsFrom === 'default' ? `${ips} (default)` : ips];
  if (access.bypassSecret) parts.push(`secret ${access.bypassSecret}`);
  return parts.join('; ');
}

/** What an engine lets through while the site is in maintenance, in an operator's words (dry runs, settings diffs); never the secret. */
export function accessExemptions(access: SiteAccess): string[] {
  return [
    ...(access.bypassIps.length ? [`bypass addresses ${access.bypassIps.join(', ')}`] : []),
    ...(access.bypassSecret ? ['the bypass secret (cookie, header, link)'] : []),
    ...(access.excludedPaths.length ? [`paths ${access.excludedPaths.join(', ')}`] : []),
  ];
}

@Injectable()
export class SiteAccessResolver {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly cipher: TokenCipher,
  ) {}

  resolve(site: CloudflareSite): SiteAccess {
    return {
      bypassIps: site.bypassIps ?? this.config.MAINTENANCE_BYPASS_IPS,
      bypassSecret: site.bypassSecretCipher === null ? null : this.decrypt(site.domain, site.bypassSecretCipher),
      excludedPaths: site.excludedPaths,
    };
  }

  private decrypt(domain: string, stored: string): string {
    try {
      return this.cipher.decrypt(stored);
    } catch {
      throw new ConflictError(
        `The bypass secret of ${domain} cannot be decrypted: APP_SECRET_KEY differs from the key it was saved with. ` +
          `Generate a new one with \`maintenance sites update ${domain} --bypass-secret\` (or remove it with --no-bypass).`,
      );
    }
  }

  view(site: Pick<CloudflareSite, 'engine' | 'bypassIps' | 'bypassSecretCipher' | 'excludedPaths'>): SiteAccessView {
    return {
      engine: site.engine,
      bypassIps: site.bypassIps ?? this.config.MAINTENANCE_BYPASS_IPS,
      bypassIpsFrom: site.bypassIps === null ? 'default' : 'site',
      bypassSecret: site.bypassSecretCipher === null ? null : BYPASS_SECRET_MASK,
      excludedPaths: site.excludedPaths,
    };
  }

  /** The site's next engine and access settings, validated; a new secret is sealed with the API tokens' cipher. */
  plan(site: CloudflareSite, changes: AccessChanges): AccessPlan {
    return planAccessChange(site, changes, { generate: generateBypassSecret, seal: (secret) => this.cipher.encrypt(secret) });
  }
}
