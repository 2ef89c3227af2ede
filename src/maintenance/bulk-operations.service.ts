import { Inject, Injectable } from '@nestjs/common';
import pLimit from 'p-limit';
import { ValidationError } from '../common/errors.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import type { CloudflareSite } from '../sites/cloudflare-site.entity.js';
import { describeSiteSync, SiteSyncService } from '../sites/site-sync.service.js';
import { type BulkAction, type SiteOutcome, planSite } from './bulk-plan.js';
import { SiteAccessResolver } from '../sites/site-access.js';
import { EngineSelector } from './engines/engine-selector.js';
import { MaintenanceService } from './maintenance.service.js';
import { failureCode } from './transition-failed.error.js';

export type { BulkAction, BulkOutcome } from './bulk-plan.js';

export interface BulkSiteResult extends SiteOutcome {
  domain: string;
}

export interface BulkOptions {
  actor: string;
  /** For enable: why, for the audit log. */
  reason?: string | null;
  /** Sites worked on at once; default BULK_CONCURRENCY. */
  concurrency?: number;
  /** Report what would happen, from the stored state; write nothing, call no Cloudflare API. */
  dryRun?: boolean;
  /** Called once per site as soon as it is finished, in the order they finish. */
  onProgress?: (result: BulkSiteResult) => void;
}

export interface BulkReport {
  action: BulkAction;
  dryRun: boolean;
  counts: { total: number; done: number; skipped: number; failed: number };
  /** One per site, in the order the sites were given. */
  results: BulkSiteResult[];
}

/**
 * Runs one action over many sites, a bounded number at a time. Every site is exclusive, idempotent
 * and audited on its own (MaintenanceService), and one site's failure is reported, never thrown. The
 * Cloudflare request budget is per token and shared by every process on the database (RequestBudget), so the
 * concurrency here only bounds how many sites wait on it at once.
 */
@Injectable()
export class BulkOperationsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly maintenance: MaintenanceService,
    private readonly siteSync: SiteSyncService,
    private readonly engines: EngineSelector,
    private readonly access: SiteAccessResolver,
  ) {}

  async run(action: BulkAction, sites: CloudflareSite[], options: BulkOptions): Promise<BulkReport> {
    const concurrency = options.concurrency ?? this.config.BULK_CONCURRENCY;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new ValidationError(`Invalid concurrency ${concurrency}: expected a whole number of at least 1.`);
    }
    const dryRun = options.dryRun ?? false;
    const limit = pLimit(concurrency);
    const results = new Array<BulkSiteResult>(sites.length);
    await Promise.all(
      interleaveByApiKey(sites).map(({ site, index }) =>
        limit(async () => {
          const outcome = dryRun ? planSite(action, site, this.config.PUBLIC_URL, this.engines.for(site), this.access.resolve(site)) : await this.runOne(action, site, options);
          const result = { domain: site.domain, ...outcome };
          results[index] = result;
          options.onProgress?.(result);
        }),
      ),
    );
    const count = (outcome: string) => results.filter((result) => result.outcome === outcome).length;
    return {
      action,
      dryRun,
      counts: { total: results.length, done: count('done'), skipped: count('skipped'), failed: count('failed') },
      results,
    };
  }

  private async runOne(action: BulkAction, site: CloudflareSite, options: BulkOptions): Promise<SiteOutcome> {
    try {
      const result =
        action === 'enable'
          ? await this.maintenance.enableMaintenance(site, options.reason ?? null, options.actor)
          : action === 'disable'
            ? await this.maintenance.disableMaintenance(site, options.actor)
            : await this.sync(site, options.actor);
      return { outcome: result.outcome === 'skipped' ? 'skipped' : 'done', message: result.message };
    } catch (error) {
      return { outcome: 'failed', message: error instanceof Error ? error.message : String(error), errorCode: failureCode(error) ?? 'internal' };
    }
  }

  private async sync(site: CloudflareSite, actor: string): Promise<{ outcome: 'success' | 'skipped'; message: string }> {
    const result = await this.siteSync.syncSite(site, actor);
    return { outcome: result.outcome === 'unchanged' ? 'skipped' : 'success', message: describeSiteSync(result) };
  }
}

/**
 * Starts the sites of each API key in turn rather than one key's sites after another's, so that every
 * key's request budget is put to work from the start.
 */
function interleaveByApiKey(sites: CloudflareSite[]): { site: CloudflareSite; index: number }[] {
  const byKey = new Map<string, { site: CloudflareSite; index: number }[]>();
  sites.forEach((site, index) => {
    const queue = byKey.get(site.apiKeyId) ?? [];
    queue.push({ site, index });
    byKey.set(site.apiKeyId, queue);
  });
  const queues = [...byKey.values()];
  const order: { site: CloudflareSite; index: number }[] = [];
  for (let round = 0; order.length < sites.length; round += 1) {
    for (const queue of queues) if (round < queue.length) order.push(queue[round]);
  }
  return order;
}
