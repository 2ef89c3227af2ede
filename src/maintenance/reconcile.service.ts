import { Inject, Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import pLimit from 'p-limit';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { CloudflareGateway } from '../cloudflare/cloudflare.gateway.js';
import type { PageRuleRecord } from '../cloudflare/response-schemas.js';
import { ownerStatus } from '../common/process-owner.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import type { CloudflareSite, OwnedRule } from '../sites/cloudflare-site.entity.js';
import { type Drift, detectDrift } from './drift.js';
import { type MaintenanceStatus, statusOf } from './maintenance-result.js';
import { redirectUrlIfKnown } from './maintenance-targets.js';
import { type Progress, requireZone, RuleOperations, ruleIds } from './rule-operations.js';
import { findOwnedRules } from './rule-plan.js';
import { type Settlement, SiteStateStore, STALE_CLAIM_SECONDS } from './site-state.store.js';

export interface LiveRule {
  id: string;
  target: string;
  status: string;
  priority: number;
  ours: boolean;
}

export interface LiveStatus extends MaintenanceStatus {
  zoneRules: LiveRule[];
  drift: Drift[];
  /** Another operation holds the site right now; its state is in flux. */
  busy: boolean;
}

export type Repair = 'recreate' | 'mark_out' | 'remove_orphans' | 'clean_out';

export interface ReconcileResult {
  domain: string;
  outcome: 'in_sync' | 'repaired' | 'would_repair' | 'reported' | 'busy' | 'failed';
  drift: Drift[];
  repair?: Repair;
  message: string;
}

const REPAIR_DESCRIPTIONS: Record<Repair, string> = {
  recreate: 're-create the missing rules (the site is still meant to be in maintenance)',
  mark_out: 'remove what is left and mark the site out of maintenance',
  remove_orphans: 'remove our rules left in the zone',
  clean_out: 'finish the interrupted work: remove our rules and mark the site out of maintenance',
};

/** Compares stored state with the zone's real rules and repairs the difference (DESIGN.md §3.5). */
@Injectable()
export class ReconcileService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly gateway: CloudflareGateway,
    private readonly apiKeys: ApiKeysService,
    private readonly state: SiteStateStore,
    private readonly rules: RuleOperations,
  ) {}

  async inspect(site: CloudflareSite): Promise<LiveStatus> {
    const current = (await this.state.find(site.id)) ?? site;
    const zoneRules = await this.gateway.listPageRules(await this.apiKeys.tokenFor(current.apiKeyId), requireZone(current));
    return this.compare(current, zoneRules);
  }

  async reconcile(site: CloudflareSite, options: { dryRun?: boolean; actor: string }): Promise<ReconcileResult> {
    let live: LiveStatus;
    try {
      live = await this.inspect(site);
    } catch (error) {
      return { domain: site.domain, outcome: 'failed', drift: [], message: `could not read the zone: ${messageOf(error)}` };
    }
    if (live.busy) return { domain: site.domain, outcome: 'busy', drift: [], message: `an operation (${live.state}) is in progress` };
    const repairable = live.drift.filter((entry) => entry.kind !== 'rule_outranked');
    if (!repairable.length) {
      return live.drift.length
        ? { domain: site.domain, outcome: 'reported', drift: live.drift, message: 'drift that reconcile does not change (a user rule of higher priority): review it in Cloudflare' }
        : { domain: site.domain, outcome: 'in_sync', drift: [], message: 'stored state matches the zone' };
    }
    const current = (await this.state.find(site.id)) ?? site;
    const repair = this.chooseRepair(current);
    const why = `${repairable.map((entry) => entry.message).join('; ')}`;
    if (options.dryRun) {
      return { domain: site.domain, outcome: 'would_repair', drift: live.drift, repair: repair.kind, message: `would ${REPAIR_DESCRIPTIONS[repair.kind]}${repair.because}` };
    }
    return this.execute(current, repair, why, live, options.actor);
  }

  /**
   * Closes audit rows left `pending` by a process that died: its owner is known gone, or (another
   * host's, unknown) the row is older than a claim can stay fresh.
   */
  async closeInterruptedLogs(siteIds: string[] | 'all', dryRun = false): Promise<number> {
    const pending: { id: string; owner: string | null; created_at: Date; site_id: string | null }[] = await this.dataSource.query(
      `SELECT id, owner, created_at, site_id FROM maintenance_logs
        WHERE outcome = 'pending' AND ($1::boolean OR site_id = ANY($2::uuid[]))`,
      [siteIds === 'all', siteIds === 'all' ? [] : siteIds],
    );
    const cutoff = Date.now() - STALE_CLAIM_SECONDS * 1000;
    const interrupted = pending.filter((row) => {
      const status = ownerStatus(row.owner);
      return status === 'gone' || (status === 'unknown' && row.created_at.getTime() < cutoff);
    });
    if (dryRun || !interrupted.length) return interrupted.length;
    await this.dataSource.query(
      `UPDATE maintenance_logs
          SET outcome = 'failed', error_code = 'interrupted',
              error_message = 'Interrupted: the process that started this operation ended before finishing it; closed by reconcile.',
              duration_ms = (extract(epoch FROM now() - created_at) * 1000)::integer,
              completed_at = now()
        WHERE id = ANY($1::uuid[]) AND outcome = 'pending'`,
      [interrupted.map((row) => row.id)],
    );
    return interrupted.length;
  }

  /** Reconciles many sites a few at a time; one failure never stops the others. */
  reconcileMany(sites: CloudflareSite[], options: { dryRun?: boolean; actor: string; concurrency?: number }): Promise<ReconcileResult[]> {
    const limit = pLimit(options.concurrency ?? 8);
    return Promise.all(sites.map((site) => limit(() => this.reconcile(site, options))));
  }

  private compare(site: CloudflareSite, zoneRules: PageRuleRecord[]): LiveStatus {
    const forwardUrl = redirectUrlIfKnown(site, this.config.PUBLIC_URL);
    const transitional = site.maintenanceState === 'enabling' || site.maintenanceState === 'disabling';
    const abandoned = transitional && this.claimAbandoned(site);
    const ours = new Set(findOwnedRules(site, forwardUrl, site.maintenanceRules, zoneRules).map((rule) => rule.id));
    return {
      ...statusOf(site),
      zoneRules: zoneRules.map((rule) => ({
        id: rule.id,
        target: rule.targets[0]?.constraint.value ?? '',
        status: rule.status,
        priority: rule.priority,
        ours: ours.has(rule.id),
      })),
      drift: detectDrift(site, forwardUrl, zoneRules, abandoned),
      busy: transitional && !abandoned,
    };
  }

  private claimAbandoned(site: CloudflareSite): boolean {
    const status = ownerStatus(site.claimedBy);
    return status === 'gone' || (status !== 'alive' && site.stateChangedAt.getTime() < Date.now() - STALE_CLAIM_SECONDS * 1000);
  }

  private chooseRepair(site: CloudflareSite): { kind: Repair; because: string } {
    if (site.maintenanceState === 'off') return { kind: 'remove_orphans', because: '' };
    if (site.maintenanceState !== 'on') return { kind: 'clean_out', because: '' };
    if (!site.isActive) return { kind: 'mark_out', because: ', because the site is marked inactive' };
    if (!redirectUrlIfKnown(site, this.config.PUBLIC_URL)) return { kind: 'mark_out', because: ', because the site has no maintenance URL and PUBLIC_URL is unset' };
    return { kind: 'recreate', because: '' };
  }

  private async execute(site: CloudflareSite, repair: { kind: Repair; because: string }, why: string, live: LiveStatus, actor: string): Promise<ReconcileResult> {
    const zoneId = requireZone(site);
    const from = site.maintenanceState;
    const plan = `${REPAIR_DESCRIPTIONS[repair.kind]}${repair.because}`;
    const subject = { siteId: site.id, domain: site.domain, action: 'reconcile' as const, actor, reason: `${plan}; found: ${why}` };
    const claim = await this.state.claim(site.id, [from], repair.kind === 'recreate' ? 'enabling' : 'disabling', subject, site.claimedBy);
    if (!claim) return { domain: site.domain, outcome: 'busy', drift: live.drift, message: 'another operation took the site meanwhile' };
    const { site: claimed, log } = claim;
    const started = performance.now();
    const ourIds = new Set(live.zoneRules.filter((rule) => rule.ours).map((rule) => rule.id));
    const oursInZone: OwnedRule[] = live.zoneRules.filter((rule) => ourIds.has(rule.id)).map(({ id, target }) => ({ id, target }));
    const progress: Progress = { step: 'read the API key', created: [] };
    let settlement: Settlement | undefined;
    try {
      const token = await this.apiKeys.tokenFor(site.apiKeyId);
      let finalRules: OwnedRule[] = [];
      if (repair.kind === 'recreate') {
        progress.step = 'remove inactive rules of ours';
        const inactive = live.zoneRules.filter((rule) => rule.ours && rule.status !== 'active').map(({ id, target }) => ({ id, target }));
        const stuckInactive = await this.rules.removeRules(token, zoneId, inactive);
        if (stuckInactive.length) throw new Error(`could not remove inactive rule(s) ${ruleIds(stuckInactive).join(', ')}`);
        finalRules = await this.rules.createRules(token, claimed, redirectUrlIfKnown(claimed, this.config.PUBLIC_URL)!, progress, []);
        progress.step = 'remove duplicate rules of ours';
        const extra = oursInZone.filter((rule) => !inactive.some((gone) => gone.id === rule.id) && !finalRules.some((kept) => kept.id === rule.id));
        finalRules.push(...(await this.rules.removeRules(token, zoneId, extra)));
        settlement = { siteId: site.id, state: 'on', rules: finalRules };
      } else {
        progress.step = 'remove our rules';
        const targets = [...new Map([...claimed.maintenanceRules, ...oursInZone].map((rule) => [rule.id, rule])).values()];
        const left = await this.rules.removeRules(token, zoneId, repair.kind === 'remove_orphans' ? oursInZone : targets);
        if (left.length) {
          settlement = { siteId: site.id, state: 'needs_reconcile', rules: left };
          throw new Error(`could not remove rule(s) ${ruleIds(left).join(', ')}`);
        }
        settlement = { siteId: site.id, state: 'off', rules: [] };
        finalRules = targets;
      }
      const message = `${plan}: done (found: ${why})`;
      await this.state.finish(settlement, log, { outcome: 'success', durationMs: performance.now() - started, ruleIds: ruleIds(finalRules) });
      return { domain: site.domain, outcome: 'repaired', drift: live.drift, repair: repair.kind, message };
    } catch (error) {
      const message = `reconcile failed at step "${progress.step}": ${messageOf(error)}`;
      settlement ??= { siteId: site.id, state: 'needs_reconcile', rules: [...claimed.maintenanceRules, ...progress.created] };
      await this.state.finish(settlement, log, { outcome: 'failed', durationMs: performance.now() - started, ruleIds: ruleIds(progress.created), errorMessage: message });
      return { domain: site.domain, outcome: 'failed', drift: live.drift, repair: repair.kind, message };
    }
  }

}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
