import { windowInScope } from '../access/site-scope-sql.js';
import type { SiteScope } from '../access/site-scope.js';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import { currentProcessOwner, ownerStatus } from '../common/process-owner.js';
import { LogsService } from '../logs/logs.service.js';
import type { ActiveWindowOfSite, ActiveWindows } from '../maintenance/active-windows.js';
import { type SiteExecution, ScheduledMaintenanceSite } from './scheduled-maintenance-site.entity.js';
import { ScheduledMaintenance, type WindowStatus } from './scheduled-maintenance.entity.js';

/** Another host's claim cannot be checked; after this long it is presumed abandoned. */
const FOREIGN_CLAIM_STALE_MS = 30 * 60_000;

/** The active window that put a site into maintenance and ends last, as the maintenance page shows it. */
export interface ActiveWindowRow {
  siteId: string;
  /** The window's public message (its `reason`). */
  message: string | null;
  endsAt: Date;
  timezone: string;
}

export interface EntryUpdate {
  siteId: string;
  execution: SiteExecution;
  detail: string | null;
  /** For failures: when the next attempt may run; attempts are counted up. */
  retryAt?: Date | null;
}

/**
 * The owner of scheduled_maintenances and scheduled_maintenance_sites. Window claims: a process moves a window into starting/ending (or marks an active one
 * as its own while retrying) with one conditional UPDATE, so concurrent passes in any number of
 * processes act on each occurrence once, and no transaction stays open across Cloudflare calls.
 */
@Injectable()
export class WindowStore implements ActiveWindows {
  constructor(
    private readonly dataSource: DataSource,
    private readonly logs: LogsService,
  ) {}

  get windows() {
    return this.dataSource.getRepository(ScheduledMaintenance);
  }

  get entries() {
    return this.dataSource.getRepository(ScheduledMaintenanceSite);
  }

  /** A new scheduled window and its sites, in one transaction; returns its id. */
  create(fields: Partial<ScheduledMaintenance>, siteIds: string[]): Promise<string> {
    return this.dataSource.transaction(async (manager) => {
      const window = await manager.getRepository(ScheduledMaintenance).save({ ...fields, status: 'scheduled' as const });
      await manager.getRepository(ScheduledMaintenanceSite).insert(siteIds.map((siteId) => ({ windowId: window.id, siteId })));
      return window.id;
    });
  }

  /** Rewrites a window that is still scheduled and unclaimed, sites included; false when it no longer is. */
  replaceScheduled(id: string, fields: Partial<ScheduledMaintenance>, siteIds: string[]): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const updated = await manager
        .getRepository(ScheduledMaintenance)
        .update({ id, status: 'scheduled', claimedBy: IsNull() }, { ...fields, remindedFor: null });
      if (!updated.affected) return false;
      const entries = manager.getRepository(ScheduledMaintenanceSite);
      await entries.delete({ windowId: id });
      await entries.insert(siteIds.map((siteId) => ({ windowId: id, siteId })));
      return true;
    });
  }

  /** For each site covered by an active window that enabled it (or found it on), the one that ends last. */
  activeWindowsBySite(): Promise<ActiveWindowRow[]> {
    return this.dataSource.query(
      `SELECT DISTINCT ON (e.site_id) e.site_id AS "siteId", m.reason AS message, m.ends_at AS "endsAt", m.timezone
         FROM scheduled_maintenance_sites e
         JOIN scheduled_maintenances m ON m.id = e.window_id
        WHERE m.status = 'active' AND e.execution IN ('enabled', 'already_on')
        ORDER BY e.site_id, m.ends_at DESC`,
    );
  }

  /** activeWindowsBySite for these sites only (ActiveWindows, for the worker engine's script). */
  async activeWindowsOf(siteIds: string[]): Promise<Map<string, ActiveWindowOfSite>> {
    if (!siteIds.length) return new Map();
    const rows: { siteId: string; message: string | null; endsAt: Date; timezone: string }[] = await this.dataSource.query(
      `SELECT DISTINCT ON (e.site_id) e.site_id AS "siteId", m.reason AS message, m.ends_at AS "endsAt", m.timezone
         FROM scheduled_maintenance_sites e
         JOIN scheduled_maintenances m ON m.id = e.window_id
        WHERE m.status = 'active' AND e.execution IN ('enabled', 'already_on') AND e.site_id = ANY($1::uuid[])
        ORDER BY e.site_id, m.ends_at DESC`,
      [siteIds],
    );
    return new Map(rows.map(({ siteId, message, endsAt, timezone }) => [siteId, { message, endsAt, timezone }]));
  }

  /** Windows (of `scope`) running now or still to come, soonest first, with how many sites each covers. */
  upcoming(limit: number, scope?: SiteScope): Promise<{ id: string; title: string; status: string; startsAt: Date; endsAt: Date; sites: number }[]> {
    const inScope = windowInScope('w.id', scope, 2);
    return this.dataSource.query(
      `SELECT w.id, w.title, w.status, w.starts_at AS "startsAt", w.ends_at AS "endsAt",
              (SELECT count(*)::int FROM scheduled_maintenance_sites s WHERE s.window_id = w.id) AS sites
         FROM scheduled_maintenances w
        WHERE w.status IN ('scheduled', 'starting', 'active', 'ending') AND ${inScope.sql}
        ORDER BY w.starts_at LIMIT $1`,
      [limit, ...inScope.params],
    );
  }

  /** Windows (of `scope`) past their end whose sites do not all come out (window.end_failing), longest failing first. */
  failingToEnd(limit: number, scope?: SiteScope): Promise<
    { id: string; title: string; endsAt: Date; failingSince: Date; notifiedAt: Date | null; sitesStillIn: number; lastError: string | null }[]
  > {
    const inScope = windowInScope('w.id', scope, 2);
    return this.dataSource.query(
      `SELECT w.id, w.title, w.ends_at AS "endsAt", w.end_failing_since AS "failingSince",
              w.end_failing_notified_at AS "notifiedAt", w.last_error AS "lastError",
              (SELECT count(*)::int FROM scheduled_maintenance_sites s
                WHERE s.window_id = w.id AND s.execution IN ('enabled', 'disable_failed')) AS "sitesStillIn"
         FROM scheduled_maintenances w
        WHERE w.status IN ('active', 'ending') AND w.end_failing_since IS NOT NULL AND ${inScope.sql}
        ORDER BY w.end_failing_since LIMIT $1`,
      [limit, ...inScope.params],
    );
  }

  /** The next instant a window is due to start or end. */
  async nextDueAt(): Promise<Date | null> {
    const [row]: { due: Date | null }[] = await this.dataSource.query(
      `SELECT least(
         (SELECT min(starts_at) FROM scheduled_maintenances WHERE status = 'scheduled'),
         (SELECT min(ends_at) FROM scheduled_maintenances WHERE status = 'active')) AS due`,
    );
    return row?.due ?? null;
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

  /** Releases a recurring window onto its next occurrence with its sites back to pending, in one transaction. */
  async releaseToNextOccurrence(id: string, changes: Partial<ScheduledMaintenance>): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await this.release(id, changes, manager);
      await this.resetEntries(id, manager);
    });
  }

  /** How many of the window's sites are in each execution state. */
  async executionCounts(windowId: string): Promise<Map<string, number>> {
    const rows: { execution: string; count: string }[] = await this.dataSource.query(
      `SELECT execution, count(*) AS count FROM scheduled_maintenance_sites WHERE window_id = $1 GROUP BY execution`,
      [windowId],
    );
    return new Map(rows.map((row) => [row.execution, Number(row.count)]));
  }

  /**
   * Marks the scheduled windows starting in (from, until] that were not yet reminded of this start as
   * reminded, in one UPDATE so that each reminder is sent once by whichever process wins; returns their ids.
   */
  async takeDueReminders(from: Date, until: Date): Promise<string[]> {
    const [rows]: [{ id: string }[], number] = await this.dataSource.query(
      `UPDATE scheduled_maintenances SET reminded_for = starts_at
        WHERE status = 'scheduled' AND starts_at > $1 AND starts_at <= $2 AND reminded_for IS DISTINCT FROM starts_at
        RETURNING id`,
      [from, until],
    );
    return rows.map((row) => row.id);
  }

  /** The windows this process holds a claim on, by title (a server waits for them before it stops). */
  async claimedBy(owner: string): Promise<string[]> {
    const held = await this.windows.find({ select: { title: true }, where: { claimedBy: owner } });
    return held.map((window) => window.title);
  }

  /**
   * For each site, who put it into maintenance (the actor of its latest successful enable): tells a
   * site this window enabled (a retry after a crash) from one someone else did.
   */
  async latestEnablers(siteIds: string[]): Promise<Map<string, string>> {
    const enables = await this.logs.latestEnables(siteIds);
    return new Map([...enables].map(([siteId, enable]) => [siteId, enable.actor]));
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
