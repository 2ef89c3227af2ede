import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { currentProcessOwner, ownerStatus } from '../common/process-owner.js';
import { type SiteExecution, ScheduledMaintenanceSite } from './scheduled-maintenance-site.entity.js';
import { ScheduledMaintenance, type WindowStatus } from './scheduled-maintenance.entity.js';

/** Another host's claim cannot be checked; after this long it is presumed abandoned. */
const FOREIGN_CLAIM_STALE_MS = 30 * 60_000;

export interface EntryUpdate {
  siteId: string;
  execution: SiteExecution;
  detail: string | null;
  /** For failures: when the next attempt may run; attempts are counted up. */
  retryAt?: Date | null;
}

/**
 * The SQL behind window claims: a process moves a window into starting/ending (or marks an active one
 * as its own while retrying) with one conditional UPDATE, so concurrent passes in any number of
 * processes act on each occurrence once, and no transaction stays open across Cloudflare calls.
 */
@Injectable()
export class WindowStore {
  constructor(private readonly dataSource: DataSource) {}

  get windows() {
    return this.dataSource.getRepository(ScheduledMaintenance);
  }

  get entries() {
    return this.dataSource.getRepository(ScheduledMaintenanceSite);
  }

  /** Moves the window from one status to another if nobody holds it; null when another process won. */
  async claim(
    id: string,
    from: WindowStatus,
    to: WindowStatus,
    now: Date,
    due?: { startsBy?: Date; endsBy?: Date },
  ): Promise<ScheduledMaintenance | null> {
    const query = this.windows
      .createQueryBuilder()
      .update()
      .set({
        status: to,
        claimedBy: currentProcessOwner(),
        claimedAt: now,
        // The first claim of an occurrence fixes its actual start; a takeover after a crash keeps it.
        ...(to === 'starting' ? { actualStart: () => 'COALESCE(actual_start, :now)' } : {}),
      })
      .where('id = :id AND status = :from AND claimed_by IS NULL', { id, from, now });
    if (due?.startsBy) query.andWhere('starts_at <= :startsBy', { startsBy: due.startsBy });
    if (due?.endsBy) query.andWhere('ends_at <= :endsBy', { endsBy: due.endsBy });
    const result = await query.returning('id').execute();
    if (!result.affected) return null;
    return this.load(id);
  }

  load(id: string): Promise<ScheduledMaintenance | null> {
    return this.windows.findOne({ where: { id }, relations: { sites: { site: true } } });
  }

  /** Ends a claim: the new status and whatever else changed, in one UPDATE. */
  async release(id: string, changes: Partial<ScheduledMaintenance>, manager?: EntityManager): Promise<void> {
    await (manager ?? this.dataSource.manager)
      .getRepository(ScheduledMaintenance)
      .update({ id }, { ...changes, claimedBy: null, claimedAt: null });
  }

  /** Hands back claims of processes that are gone, so the next claim can redo their work. */
  async recoverAbandonedClaims(now: Date): Promise<number> {
    const held = await this.windows
      .createQueryBuilder('w')
      .select(['w.id', 'w.status', 'w.claimedBy', 'w.claimedAt'])
      .where('w.claimed_by IS NOT NULL')
      .getMany();
    const abandoned = held.filter((window) => {
      const status = ownerStatus(window.claimedBy);
      return status === 'gone' || (status === 'unknown' && now.getTime() - window.claimedAt!.getTime() > FOREIGN_CLAIM_STALE_MS);
    });
    for (const window of abandoned) {
      const back: WindowStatus = window.status === 'starting' ? 'scheduled' : window.status === 'ending' ? 'active' : window.status;
      await this.windows
        .createQueryBuilder()
        .update()
        .set({ status: back, claimedBy: null, claimedAt: null })
        .where('id = :id AND claimed_by = :owner', { id: window.id, owner: window.claimedBy })
        .execute();
    }
    return abandoned.length;
  }

  async updateEntries(windowId: string, updates: EntryUpdate[]): Promise<void> {
    if (!updates.length) return;
    await this.dataSource.query(
      `UPDATE scheduled_maintenance_sites AS e
          SET execution = v.execution, detail = v.detail, updated_at = now(),
              attempts = CASE WHEN v.failed THEN e.attempts + 1 ELSE 0 END,
              next_attempt_at = v.retry_at
         FROM unnest($2::uuid[], $3::text[], $4::text[], $5::boolean[], $6::timestamptz[])
              AS v(site_id, execution, detail, failed, retry_at)
        WHERE e.window_id = $1 AND e.site_id = v.site_id`,
      [
        windowId,
        updates.map((update) => update.siteId),
        updates.map((update) => update.execution),
        updates.map((update) => update.detail),
        updates.map((update) => update.retryAt !== undefined),
        updates.map((update) => update.retryAt ?? null),
      ],
    );
  }

  async resetEntries(windowId: string, manager?: EntityManager): Promise<void> {
    await (manager ?? this.dataSource.manager)
      .getRepository(ScheduledMaintenanceSite)
      .update({ windowId }, { execution: 'pending', detail: null, attempts: 0, nextAttemptAt: null });
  }

  /**
   * For each site, who put it into maintenance (the actor of its latest successful enable): tells a
   * site this window enabled (a retry after a crash) from one someone else did. By the audit row, not
   * by time, so clock skew between hosts cannot mislead it.
   */
  async latestEnablers(siteIds: string[]): Promise<Map<string, string>> {
    if (!siteIds.length) return new Map();
    const rows: { site_id: string; actor: string }[] = await this.dataSource.query(
      `SELECT DISTINCT ON (site_id) site_id, actor FROM maintenance_logs
        WHERE site_id = ANY($1::uuid[]) AND action = 'enable' AND outcome = 'success'
        ORDER BY site_id, created_at DESC`,
      [siteIds],
    );
    return new Map(rows.map((row) => [row.site_id, row.actor]));
  }

  /**
   * Other windows that are active now and also cover these sites: they take over the sites this
   * window is done with, so a site stays in maintenance until the last window covering it ends.
   */
  async takeOver(windowId: string, siteIds: string[], now: Date): Promise<Map<string, { id: string; title: string }>> {
    if (!siteIds.length) return new Map();
    const [rows]: [{ site_id: string; window_id: string; title: string }[], number] = await this.dataSource.query(
      `UPDATE scheduled_maintenance_sites AS e
          SET execution = 'enabled', detail = 'taken over from window ' || $2::text, updated_at = now()
         FROM scheduled_maintenances AS w
        WHERE w.id = e.window_id AND e.window_id <> $2::uuid AND e.site_id = ANY($1::uuid[])
          AND w.status IN ('starting', 'active') AND w.ends_at > $3 AND w.auto_disable
          AND e.execution IN ('already_on', 'enabled', 'failed')
        RETURNING e.site_id, e.window_id, w.title`,
      [siteIds, windowId, now],
    );
    return new Map(rows.map((row) => [row.site_id, { id: row.window_id, title: row.title }]));
  }
}
