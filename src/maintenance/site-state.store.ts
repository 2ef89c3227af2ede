import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type LogCompletion, type LogSubject, LogsService } from '../logs/logs.service.js';
import type { MaintenanceLog } from '../logs/maintenance-log.entity.js';
import { currentProcessOwner } from '../common/process-owner.js';
import { shutdownGate } from '../common/shutdown-gate.js';
import { CloudflareSite, type MaintenanceState, type OwnedRule } from '../sites/cloudflare-site.entity.js';
import type { SiteRuleSettings } from './maintenance-targets.js';

/**
 * A process that crashed mid-operation leaves the site in a transitional state. Its claim can be taken
 * over at once when its owner is known to be gone (same host, pid dead), else after this long without
 * progress (state_changed_at is bumped on every rule we record, so a slow but living operation keeps it).
 */
export const STALE_CLAIM_SECONDS = 600;

export type RuleSettings = Pick<SiteRuleSettings, 'includeSubdomains' | 'subdomainList' | 'maintenanceUrl'>;

export interface Settlement {
  siteId: string;
  state: 'on' | 'off' | 'needs_reconcile';
  rules: OwnedRule[];
  reason?: string | null;
  /** Saved in the same statement as the rules. */
  settings?: RuleSettings;
}

/** The maintenance state of sites, changed only by conditional updates (DESIGN.md §3.3). */
@Injectable()
export class SiteStateStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly logs: LogsService,
  ) {}

  find(siteId: string): Promise<CloudflareSite | null> {
    return this.dataSource.getRepository(CloudflareSite).findOneBy({ id: siteId });
  }

  /**
   * Moves the site from one of `from` (or from a stale or abandoned claim) to `to`, recording this
   * process as the claim's owner, and writes the attempt's pending audit row in the same transaction,
   * so that every claim has its row; null when someone else holds the site.
   */
  claim(
    siteId: string,
    from: MaintenanceState[],
    to: 'enabling' | 'disabling',
    subject: LogSubject,
    abandonedBy: string | null = null,
  ): Promise<{ site: CloudflareSite; log: MaintenanceLog } | null> {
    shutdownGate.admit(subject.domain);
    return this.dataSource.transaction(async (manager) => {
      const [rows] = await manager.query(
        `UPDATE cloudflare_sites
            SET maintenance_state = $3, claimed_by = $5, state_changed_at = now(), updated_at = now()
          WHERE id = $1
            AND (maintenance_state = ANY($2::varchar[])
                 OR (maintenance_state IN ('enabling', 'disabling')
                     AND (state_changed_at < now() - make_interval(secs => $4)
                          OR ($6::varchar IS NOT NULL AND claimed_by = $6::varchar))))
          RETURNING id`,
        [siteId, from, to, STALE_CLAIM_SECONDS, currentProcessOwner(), abandonedBy],
      );
      if (!rows.length) return null;
      const log = await this.logs.start(subject, manager);
      return { site: await manager.findOneByOrFail(CloudflareSite, { id: siteId }), log };
    });
  }

  /** Persists each rule as soon as it exists, so that a crash cannot make us forget one. */
  async recordRules(siteId: string, rules: OwnedRule[]): Promise<void> {
    await this.dataSource.query(
      `UPDATE cloudflare_sites SET maintenance_rules = $2::jsonb, state_changed_at = now() WHERE id = $1`,
      [siteId, JSON.stringify(rules)],
    );
  }

  /**
   * Ends a transition and completes its audit row in one transaction, so that a crash can never leave
   * a settled site with a pending row or a completed row with an unsettled site.
   */
  finish(settlement: Settlement, log: MaintenanceLog, completion: LogCompletion): Promise<MaintenanceLog> {
    return this.dataSource.transaction(async (manager) => {
      await this.settle(settlement, manager);
      return this.logs.complete(log, completion, manager);
    });
  }

  private async settle(settlement: Settlement, manager: EntityManager): Promise<void> {
    const { siteId, state, rules, reason, settings } = settlement;
    await manager.query(
      `UPDATE cloudflare_sites
          SET maintenance_state = $2::varchar,
              maintenance_rules = $3::jsonb,
              maintenance_reason = CASE $2::varchar WHEN 'off' THEN NULL WHEN 'on' THEN coalesce($4::text, maintenance_reason)
                                   ELSE maintenance_reason END,
              maintenance_since = CASE $2::varchar WHEN 'off' THEN NULL WHEN 'on' THEN coalesce(maintenance_since, now())
                                  ELSE maintenance_since END,
              include_subdomains = CASE WHEN $5::boolean THEN $6::boolean ELSE include_subdomains END,
              subdomain_list = CASE WHEN $5::boolean THEN $7::text[] ELSE subdomain_list END,
              maintenance_url = CASE WHEN $5::boolean THEN $8::varchar ELSE maintenance_url END,
              claimed_by = NULL,
              state_changed_at = now(),
              updated_at = now()
        WHERE id = $1`,
      [
        siteId,
        state,
        JSON.stringify(rules),
        reason ?? null,
        Boolean(settings),
        settings?.includeSubdomains ?? null,
        settings?.subdomainList ?? null,
        settings?.maintenanceUrl ?? null,
      ],
    );
  }
}
