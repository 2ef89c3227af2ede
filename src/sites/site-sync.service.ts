import { Inject, Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import type { CloudflareApiKey } from '../api-keys/cloudflare-api-key.entity.js';
import type { KeyBoundClient } from '../cloudflare/key-bound-client.js';
import type { ZoneRecord } from '../cloudflare/response-schemas.js';
import { isZoneGone } from '../cloudflare/zone-visibility.js';
import { CloudflareApiError } from '../cloudflare/cloudflare-api.error.js';
import { NotFoundError, ValidationError } from '../common/errors.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { LogsService } from '../logs/logs.service.js';
import type { CloudflareSite } from './cloudflare-site.entity.js';
import { SiteRepository } from './site.repository.js';
import type { SiteSyncResult, SyncOptions, SyncReport } from './sync-report.js';
import { type ZoneFacts, zoneFacts } from './zone-facts.js';
import { ZoneDiscoveryRun } from './zone-discovery.run.js';
import { describeChanges, type FieldChange, planZoneSync } from './zone-sync-plan.js';

export type { KeySyncReport, SiteSyncResult, SyncChange, SyncCounts, SyncFailure, SyncOptions, SyncReport } from './sync-report.js';

/**
 * Keeps one site per Cloudflare zone: fleet discovery (every zone of every key, ZoneDiscoveryRun) and the
 * refresh of one site. Only what Cloudflare owns is written (docs/promises.md#settings-belong-to-the-operator).
 */
@Injectable()
export class SiteSyncService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sites: SiteRepository,
    private readonly apiKeys: ApiKeysService,
    private readonly logs: LogsService,
  ) {}

  /**
   * Every zone of every active key (or of one), keys one after another, each key's pages SYNC_PAGE_CONCURRENCY at
   * a time: per page one SELECT, at most one INSERT and one UPDATE, so the statements grow with pages, not zones.
   * One 'sync' audit row per key (site id null, domain '*').
   */
  async syncCloudflare(options: SyncOptions): Promise<SyncReport> {
    const keys = await this.keysToSync(options.apiKeyName);
    const run = new ZoneDiscoveryRun(
      {
        store: this.sites.syncStore(),
        logs: this.logs,
        clientFor: (apiKeyId) => this.apiKeys.clientFor(apiKeyId),
        pageConcurrency: this.config.SYNC_PAGE_CONCURRENCY,
      },
      options,
    );
    return run.execute(keys);
  }

  /** Refreshes one site's zone facts from Cloudflare, audited with one 'sync' row for the site. */
  async syncSite(site: CloudflareSite, actor = 'system'): Promise<SiteSyncResult> {
    const log = await this.logs.start({ siteId: site.id, domain: site.domain, action: 'sync', actor });
    const startedAt = performance.now();
    try {
      const client = await this.apiKeys.clientFor(site.apiKeyId);
      const zone = await currentZone(client, site);
      const result = zone ? await this.refreshSite(site, zoneFacts(zone)) : await this.markSiteVanished(site);
      log.reason = result.changes.length ? describeChanges(result.changes) : 'no change';
      await this.logs.complete(log, { outcome: 'success', durationMs: performance.now() - startedAt });
      await client.markUsed();
      return result;
    } catch (error) {
      await this.logs.complete(log, {
        outcome: 'failed',
        durationMs: performance.now() - startedAt,
        errorCode: error instanceof CloudflareApiError ? error.code : null,
        errorMessage: error instanceof Error ? error.message : String(error),
      });
      throw error;
    }
  }

  private async keysToSync(apiKeyName: string | undefined): Promise<CloudflareApiKey[]> {
    if (apiKeyName !== undefined) {
      const key = await this.apiKeys.findByName(apiKeyName);
      if (!key.isActive) throw new ValidationError(`API key "${key.name}" is deactivated; activate it before syncing its zones.`);
      return [key];
    }
    const keys = await this.apiKeys.listActive();
    if (keys.length === 0) throw new NotFoundError('No active API key to sync: add one with `maintenance api-keys add <name>`.');
    return keys;
  }

  private async refreshSite(site: CloudflareSite, facts: ZoneFacts): Promise<SiteSyncResult> {
    const step = planZoneSync(site, facts);
    if (step.kind !== 'update') return { domain: site.domain, outcome: 'unchanged', changes: [], site };
    const reactivate = step.changes.some((change) => change.field === 'isActive');
    const refreshed = await this.sites.refreshFacts(site.id, facts, reactivate);
    return { domain: site.domain, outcome: 'updated', changes: step.changes, site: refreshed };
  }

  private async markSiteVanished(site: CloudflareSite): Promise<SiteSyncResult> {
    const { deactivated, site: current } = await this.sites.markZoneMissing(site.id);
    const changes: FieldChange[] = deactivated ? [{ field: 'isActive', from: true, to: false }] : [];
    return { domain: site.domain, outcome: deactivated ? 'deactivated' : 'unchanged', changes, site: current };
  }
}

/** One site's sync, in a sentence. */
export function describeSiteSync(result: SiteSyncResult): string {
  if (result.outcome === 'unchanged') return `${result.domain} is up to date with its zone.`;
  const what = result.outcome === 'deactivated' ? 'its zone is gone from Cloudflare; marked inactive' : describeChanges(result.changes);
  return `${result.domain}: ${what}.`;
}

/** The zone by its id; if Cloudflare no longer knows that id, by name (a zone deleted and added again gets a new id). */
async function currentZone(client: KeyBoundClient, site: CloudflareSite): Promise<ZoneRecord | undefined> {
  if (site.zoneId) {
    try {
      return await client.getZone(site.zoneId);
    } catch (error) {
      if (!isZoneGone(error)) throw error;
    }
  }
  return client.findZoneByName(site.domain);
}
