import { Inject, Injectable } from '@nestjs/common';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import type { CloudflareApiKey } from '../api-keys/cloudflare-api-key.entity.js';
import { isZoneInvisible } from '../cloudflare/zone-visibility.js';
import { ConflictError, ValidationError } from '../common/errors.js';
import { TEXT_BOUNDS } from '../common/free-text.validation.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import type { CloudflareSite } from '../sites/cloudflare-site.entity.js';
import { assertNoRedirectLoop } from '../sites/redirect-loop.js';
import { parseMaintenanceUrl, parseSiteName, parseSubdomains } from '../sites/site-input.validation.js';
import { type RuleSettings, SiteRepository } from '../sites/site.repository.js';
import { SiteAccessResolver } from '../sites/site-access.js';
import { loopAvoided } from './enable-preconditions.js';
import { EngineSelector } from './engines/engine-selector.js';
import { MaintenanceService } from './maintenance.service.js';
import { redirectUrlIfKnown } from './redirect-url.js';

export interface SiteChanges {
  name?: string;
  /** A comma-separated list, or null for "all subdomains". */
  subdomains?: string | null;
  /** A URL, or null for "the default page under PUBLIC_URL". */
  maintenanceUrl?: string | null;
  active?: boolean;
  apiKeyName?: string;
}

export interface SiteUpdateResult {
  site: CloudflareSite;
  changed: string[];
  rulesReapplied: boolean;
}

/**
 * The operator's settings of a site. A change that alters the rules of a site in maintenance is
 * applied to Cloudflare at once (new rules first, then the old ones removed) or refused; it is never
 * saved while the zone still holds rules for the old settings.
 */
@Injectable()
export class SiteSettingsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sites: SiteRepository,
    private readonly apiKeys: ApiKeysService,
    private readonly maintenance: MaintenanceService,
    private readonly engines: EngineSelector,
    private readonly access: SiteAccessResolver,
  ) {}

  async update(site: CloudflareSite, changes: SiteChanges, actor: string): Promise<SiteUpdateResult> {
    const rules = this.nextRuleSettings(site, changes);
    const next = { ...site, ...rules } as CloudflareSite;
    if ((changes.subdomains !== undefined || changes.maintenanceUrl !== undefined) && !loopAvoided(next, this.config.PUBLIC_URL)) {
      assertNoRedirectLoop(next, this.config.PUBLIC_URL);
    }
    const name = changes.name === undefined ? site.name : parseSiteName(changes.name);
    if (!name) throw new ValidationError(`The site name is blank: give 1–${TEXT_BOUNDS.siteName} characters, or leave the name as it is.`, { field: 'name' });
    const apiKey = changes.apiKeyName === undefined ? undefined : await this.apiKeys.findByName(changes.apiKeyName);
    const changed = this.describeChanges(site, rules, name, changes.active, apiKey?.id);
    if (changed.length === 0) return { site, changed, rulesReapplied: false };

    if (changes.active === false && site.maintenanceState !== 'off') {
      throw new ConflictError(`${site.domain} is in maintenance (${site.maintenanceState}); disable maintenance before deactivating it.`);
    }
    if (apiKey && apiKey.id !== site.apiKeyId && site.zoneId) await this.requireZoneVisible(apiKey, site, site.zoneId);

    const rulesChange = this.rulesDiffer(site, next);
    let rulesReapplied = false;
    if (rulesChange && site.maintenanceState === 'on') {
      await this.maintenance.changeRuleSettings(site, rules, actor, next);
      rulesReapplied = true;
    } else if (rulesChange && site.maintenanceState !== 'off') {
      throw new ConflictError(
        `${site.domain} is ${site.maintenanceState}; its rule settings can change once it is settled (run reconcile or try again).`,
      );
    }

    const active = changes.active ?? site.isActive;
    const inactiveReason = active ? null : changes.active === false ? 'operator' : site.inactiveReason;
    // Conditional on the state seen above, so that a concurrent enable cannot run on half-saved settings.
    const saved = await this.sites.saveSettings(site.id, rulesReapplied ? 'on' : site.maintenanceState, {
      name,
      isActive: active,
      inactiveReason,
      apiKeyId: apiKey?.id ?? site.apiKeyId,
      ...rules,
    });
    if (!saved) throw new ConflictError(`${site.domain} changed state while it was being updated; try again.`);
    return { site: saved, changed, rulesReapplied };
  }

  async remove(site: CloudflareSite): Promise<void> {
    if (!(await this.sites.removeIfOff(site.id))) {
      throw new ConflictError(
        `${site.domain} is in maintenance (${site.maintenanceState}); disable maintenance before removing it, ` +
          'or its rules would stay in Cloudflare with nobody to remove them.',
      );
    }
  }

  /** Only Cloudflare's "no such zone" or "not allowed" means the key cannot see it; any other failure is thrown as it is. */
  private async requireZoneVisible(apiKey: CloudflareApiKey, site: CloudflareSite, zoneId: string): Promise<void> {
    const client = await this.apiKeys.clientFor(apiKey.id);
    try {
      await client.getZone(zoneId);
    } catch (error) {
      if (!isZoneInvisible(error)) throw error;
      throw new ValidationError(`The API key "${apiKey.name}" cannot see the zone of ${site.domain}; the site keeps its key.`, {
        field: 'apiKeyName',
      });
    }
  }

  private nextRuleSettings(site: CloudflareSite, changes: SiteChanges): RuleSettings {
    const subdomainList =
      changes.subdomains === undefined
        ? site.subdomainList
        : changes.subdomains === null
          ? []
          : parseSubdomains(changes.subdomains, site.domain);
    if (changes.subdomains !== undefined && changes.subdomains !== null && subdomainList.length === 0) {
      throw new ValidationError('--subdomains lists no subdomain; use --all-subdomains to cover every subdomain.', { field: 'subdomains' });
    }
    return {
      includeSubdomains: changes.subdomains === undefined ? site.includeSubdomains : changes.subdomains === null,
      subdomainList,
      maintenanceUrl:
        changes.maintenanceUrl === undefined
          ? site.maintenanceUrl
          : changes.maintenanceUrl === null
            ? null
            : parseMaintenanceUrl(changes.maintenanceUrl),
    };
  }

  /**
   * Whether the zone's rules must change for these settings: another engine, other targets, another
   * URL, or (for an engine that expresses them) other bypass addresses, secret or excluded paths.
   */
  private rulesDiffer(site: CloudflareSite, next: CloudflareSite): boolean {
    if (site.engine !== next.engine) return true;
    const [before, after] = [this.access.resolve(site), this.access.resolve(next)];
    const engine = this.engines.for(site);
    const expressesAccess = engine.expressesAccess;
    const same =
      engine.targets(site, before).join(' ') === engine.targets(next, after).join(' ') &&
      redirectUrlIfKnown(site, this.config.PUBLIC_URL) === redirectUrlIfKnown(next, this.config.PUBLIC_URL) &&
      (!expressesAccess || JSON.stringify(before) === JSON.stringify(after));
    return !same;
  }

  private describeChanges(site: CloudflareSite, rules: RuleSettings, name: string, active: boolean | undefined, apiKeyId?: string): string[] {
    const changed: string[] = [];
    if (name !== site.name) changed.push('name');
    if (rules.includeSubdomains !== site.includeSubdomains || rules.subdomainList.join(',') !== site.subdomainList.join(',')) {
      changed.push('subdomains');
    }
    if (rules.maintenanceUrl !== site.maintenanceUrl) changed.push('maintenance URL');
    if (active !== undefined && active !== site.isActive) changed.push(active ? 'activated' : 'deactivated');
    if (apiKeyId !== undefined && apiKeyId !== site.apiKeyId) changed.push('API key');
    return changed;
  }
}
