import { Inject, Injectable } from '@nestjs/common';
import { TokenCipher } from '../api-keys/token-cipher.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import type { CloudflareSite } from './cloudflare-site.entity.js';

/** Who and what the redirect_rule engine lets through while a site is in maintenance. */
export interface SiteAccess {
  /** Canonical IPv4/IPv6 addresses and CIDR ranges (the site's own list, else MAINTENANCE_BYPASS_IPS). */
  bypassIps: string[];
  /** The plain bypass secret, or null when the site has none. Never log or show it. */
  bypassSecret: string | null;
  /** Path prefixes never redirected. */
  excludedPaths: string[];
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
      bypassSecret: site.bypassSecretCipher === null ? null : this.cipher.decrypt(site.bypassSecretCipher),
      excludedPaths: site.excludedPaths,
    };
  }
}
