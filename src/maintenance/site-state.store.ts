import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CloudflareSite, type MaintenanceState, type OwnedRule } from '../sites/cloudflare-site.entity.js';

/**
 * A process that crashed mid-operation leaves the site in a transitional state; after this long
 * without progress another operation may take the claim over (state_changed_at is bumped on every
 * rule we record, so a slow but living operation keeps its claim).
 */
export const STALE_CLAIM_SECONDS = 600;

/** The maintenance state of sites, changed only by conditional updates (DESIGN.md §3.3). */
@Injectable()
export class SiteStateStore {
  constructor(private readonly dataSource: DataSource) {}

  find(siteId: string): Promise<CloudflareSite | null> {
    return this.dataSource.getRepository(CloudflareSite).findOneBy({ id: siteId });
  }

  /** Moves the site from one of `from` (or a stale claim) to `to`; null when someone else holds it. */
  async claim(siteId: string, from: MaintenanceState[], to: 'enabling' | 'disabling'): Promise<CloudflareSite | null> {
    const [rows] = await this.dataSource.query(
      `UPDATE cloudflare_sites
          SET maintenance_state = $3, state_changed_at = now(), updated_at = now()
        WHERE id = $1
          AND (maintenance_state = ANY($2::varchar[])
               OR (maintenance_state IN ('enabling', 'disabling')
                   AND state_changed_at < now() - make_interval(secs => $4)))
        RETURNING id`,
      [siteId, from, to, STALE_CLAIM_SECONDS],
    );
    return rows.length ? this.find(siteId) : null;
  }

  /** Persists each rule as soon as it exists, so that a crash cannot make us forget one. */
  async recordRules(siteId: string, rules: OwnedRule[]): Promise<void> {
    await this.dataSource.query(
      `UPDATE cloudflare_sites SET maintenance_rules = $2::jsonb, state_changed_at = now() WHERE id = $1`,
      [siteId, JSON.stringify(rules)],
    );
  }

  async settle(
    siteId: string,
    state: 'on' | 'off' | 'needs_reconcile',
    rules: OwnedRule[],
    reason?: string | null,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE cloudflare_sites
          SET maintenance_state = $2::varchar,
              maintenance_rules = $3::jsonb,
              maintenance_reason = CASE $2::varchar WHEN 'off' THEN NULL WHEN 'on' THEN coalesce($4::text, maintenance_reason)
                                   ELSE maintenance_reason END,
              maintenance_since = CASE $2::varchar WHEN 'off' THEN NULL WHEN 'on' THEN coalesce(maintenance_since, now())
                                  ELSE maintenance_since END,
              state_changed_at = now(),
              updated_at = now()
        WHERE id = $1`,
      [siteId, state, JSON.stringify(rules), reason ?? null],
    );
  }
}
