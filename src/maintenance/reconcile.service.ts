import { Inject, Injectable } from '@nestjs/common';
import pLimit from 'p-limit';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { isZoneGone } from '../cloudflare/zone-visibility.js';
import { ownerStatus } from '../common/process-owner.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { LogsService } from '../logs/logs.service.js';
import type { CloudflareSite } from '../sites/cloudflare-site.entity.js';
import { SiteAccessResolver } from '../sites/site-access.js';
import { type SiteCriteria, SiteSelectionService } from '../sites/site-selection.service.js';
import { SiteRepository, STALE_CLAIM_SECONDS } from '../sites/site.repository.js';
import { EngineSelector } from './engines/engine-selector.js';
import { type Drift, REPORT_ONLY_DRIFT, type ZoneRule } from './engines/maintenance-engine.js';
import { type MaintenanceStatus, statusOf } from './maintenance-result.js';
import { describeRepair, type ReconcileResult, ReconcileRepair } from './reconcile-repair.js';
import { redirectUrlIfKnown } from './redirect-url.js';

export type { ReconcileResult, Repair } from './reconcile-repair.js';
export type LiveRule = ZoneRule;

export interface LiveStatus extends MaintenanceStatus {
  zoneRules: LiveRule[];
  drift: Drift[];
  /** Another operation holds the site right now; its state is in flux. */
  busy: boolean;
}

export interface ReconcileReport {
  dryRun: boolean;
  results: ReconcileResult[];
  interruptedLogsClosed: number;
}

/** Compares stored state with the zone's real rules and repairs the difference (docs/promises.md#the-truth-is-in-cloudflare). */
@Injectable()
export class ReconcileService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly apiKeys: ApiKeysService,
    private readonly sites: SiteRepository,
    private readonly selection: SiteSelectionService,
    private readonly logs: LogsService,
    private readonly engines: EngineSelector,
    private readonly repair: ReconcileRepair,
    private readonly access: SiteAccessResolver,
  ) {}

  /**
   * The sites chosen (every site when nothing narrows the choice), each reconciled, then the audit rows
   * that crashed processes left pending among them closed (all of them for every site).
   */
  async run(criteria: SiteCriteria, options: { dryRun?: boolean; actor: string }): Promise<ReconcileReport> {
    const everything = !criteria.domains?.length && criteria.apiKeyName === undefined && criteria.inMaintenance === undefined && criteria.active === undefined;
    const sites = await this.selection.select(everything ? { all: true } : criteria);
    const results = await this.reconcileMany(sites, options);
    const interruptedLogsClosed = await this.closeInterruptedLogs(everything ? 'all' : sites.map((site) => site.id), options.dryRun);
    return { dryRun: Boolean(options.dryRun), results, interruptedLogsClosed };
  }

  async inspect(site: CloudflareSite): Promise<LiveStatus> {
    const current = (await this.sites.find(site.id)) ?? site;
    const client = await this.apiKeys.clientFor(current.apiKeyId);
    const transitional = current.maintenanceState === 'enabling' || current.maintenanceState === 'disabling';
    const abandoned = transitional && this.claimAbandoned(current);
    const forwardUrl = redirectUrlIfKnown(current, this.config.PUBLIC_URL);
    const zone = await this.engines.for(current).inspect(client, current, forwardUrl, this.access.resolve(current), abandoned);
    return { ...statusOf(current), zoneRules: zone.rules, drift: zone.drift, busy: transitional && !abandoned };
  }

  async reconcile(site: CloudflareSite, options: { dryRun?: boolean; actor: string }): Promise<ReconcileResult> {
    let live: LiveStatus;
    try {
      live = await this.inspect(site);
    } catch (error) {
      if (isZoneGone(error)) return this.zoneGone(site, options);
      return { domain: site.domain, outcome: 'failed', drift: [], message: `could not read the zone: ${messageOf(error)}` };
    }
    if (live.busy) return { domain: site.domain, outcome: 'busy', drift: [], message: `an operation (${live.state}) is in progress` };
    const repairable = live.drift.filter((entry) => !REPORT_ONLY_DRIFT.has(entry.kind));
    if (!repairable.length) {
      return live.drift.length
        ? { domain: site.domain, outcome: 'reported', drift: live.drift, message: 'drift that reconcile does not change (a user rule of higher priority): review it in Cloudflare' }
        : { domain: site.domain, outcome: 'in_sync', drift: [], message: 'stored state matches the zone' };
    }
    const current = (await this.sites.find(site.id)) ?? site;
    const repair = this.repair.choose(current);
    const why = repairable.map((entry) => entry.message).join('; ');
    if (options.dryRun) {
      return { domain: site.domain, outcome: 'would_repair', drift: live.drift, repair: repair.kind, message: `would ${describeRepair(repair)}` };
    }
    return this.repair.execute(current, repair, why, live.drift, live.zoneRules, options.actor);
  }

  /**
   * Closes audit rows left `pending` by a process that died: its owner is known gone, or (another
   * host's, unknown) the row is older than a claim can stay fresh.
   */
  async closeInterruptedLogs(siteIds: string[] | 'all', dryRun = false): Promise<number> {
    const pending = await this.logs.pending(siteIds);
    const cutoff = Date.now() - STALE_CLAIM_SECONDS * 1000;
    const interrupted = pending.filter((row) => {
      const status = ownerStatus(row.owner);
      return status === 'gone' || (status === 'unknown' && row.createdAt.getTime() < cutoff);
    });
    if (dryRun || !interrupted.length) return interrupted.length;
    await this.logs.closeInterrupted(interrupted.map((row) => row.id));
    return interrupted.length;
  }

  /** Reconciles many sites a few at a time; one failure never stops the others. */
  reconcileMany(sites: CloudflareSite[], options: { dryRun?: boolean; actor: string; concurrency?: number }): Promise<ReconcileResult[]> {
    const limit = pLimit(options.concurrency ?? 8);
    return Promise.all(sites.map((site) => limit(() => this.reconcile(site, options))));
  }

  /** Nothing of ours can remain in a deleted zone: a site out of maintenance is consistent, one in it is marked out. */
  private async zoneGone(site: CloudflareSite, options: { dryRun?: boolean; actor: string }): Promise<ReconcileResult> {
    const current = (await this.sites.find(site.id)) ?? site;
    const gone = 'the zone no longer exists in Cloudflare';
    const transitional = current.maintenanceState === 'enabling' || current.maintenanceState === 'disabling';
    if (transitional && !this.claimAbandoned(current)) {
      return { domain: site.domain, outcome: 'busy', drift: [], message: `an operation (${current.maintenanceState}) is in progress` };
    }
    if (current.maintenanceState === 'off') {
      return { domain: site.domain, outcome: 'in_sync', drift: [], message: `${gone}; nothing of ours can remain in it` };
    }
    const repair = { kind: 'forget_zone' as const, because: '' };
    if (options.dryRun) return { domain: site.domain, outcome: 'would_repair', drift: [], repair: repair.kind, message: `would ${describeRepair(repair)}` };
    return this.repair.execute(current, repair, gone, [], [], options.actor);
  }

  private claimAbandoned(site: CloudflareSite): boolean {
    const status = ownerStatus(site.claimedBy);
    return status === 'gone' || (status !== 'alive' && site.stateChangedAt.getTime() < Date.now() - STALE_CLAIM_SECONDS * 1000);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
