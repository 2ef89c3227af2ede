import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, In, MoreThanOrEqual } from 'typeorm';
import { currentProcessOwner } from '../common/process-owner.js';
import { type LogAction, MaintenanceLog } from './maintenance-log.entity.js';

export interface LogSubject {
  siteId: string | null;
  domain: string;
  action: LogAction;
  actor: string;
  reason?: string | null;
}

export interface LogCompletion {
  outcome: 'success' | 'failed';
  durationMs: number;
  ruleIds?: string[];
  errorCode?: string | number | null;
  errorMessage?: string | null;
}

export interface ActionStats {
  total: number;
  success: number;
  failed: number;
  skipped: number;
  pending: number;
  /** success ÷ (success + failed), in percent; null when nothing was attempted. Skipped no-ops are left out. */
  successRate: number | null;
  /** Mean duration of completed (success or failed) attempts, in ms. */
  avgDurationMs: number | null;
}

export interface DailyCounts {
  /** The UTC day, YYYY-MM-DD. */
  day: string;
  success: number;
  failed: number;
  skipped: number;
}

export interface LogStats {
  days: number;
  overall: ActionStats;
  byAction: Partial<Record<LogAction, ActionStats>>;
}

interface StatsRow {
  action: LogAction | null;
  total: string;
  success: string;
  failed: string;
  skipped: string;
  pending: string;
  avg_duration: string | null;
}

/** The audit log: every query on maintenance_logs. */
@Injectable()
export class LogsService {
  constructor(private readonly dataSource: DataSource) {}

  private get repository() {
    return this.dataSource.getRepository(MaintenanceLog);
  }

  /** Written before the first Cloudflare call, so that a crash still leaves a trace (docs/promises.md#one-audit-row-per-attempt). */
  start(subject: LogSubject, manager: EntityManager = this.dataSource.manager): Promise<MaintenanceLog> {
    return manager.save(
      manager.create(MaintenanceLog, { ...subject, reason: subject.reason ?? null, outcome: 'pending', owner: currentProcessOwner() }),
    );
  }

  /** With `manager`, inside the caller's transaction (see SiteRepository.finish). */
  async complete(log: MaintenanceLog, completion: LogCompletion, manager?: EntityManager): Promise<MaintenanceLog> {
    Object.assign(log, {
      outcome: completion.outcome,
      durationMs: Math.round(completion.durationMs),
      ruleIds: completion.ruleIds ?? [],
      errorCode: completion.errorCode === undefined || completion.errorCode === null ? null : String(completion.errorCode),
      errorMessage: completion.errorMessage ?? null,
      completedAt: new Date(),
    });
    return (manager ?? this.dataSource.manager).save(log);
  }

  skipped(subject: LogSubject, message: string): Promise<MaintenanceLog> {
    return this.repository.save(
      this.repository.create({
        ...subject,
        reason: subject.reason ?? null,
        outcome: 'skipped',
        durationMs: 0,
        errorMessage: message,
        completedAt: new Date(),
      }),
    );
  }

  /** A settings change, in the transaction that saves it; it calls nothing, so it is complete at once. */
  settingsChanged(subject: Omit<LogSubject, 'action'> & { reason: string }, manager: EntityManager): Promise<MaintenanceLog> {
    return manager.save(
      manager.create(MaintenanceLog, { ...subject, action: 'settings', outcome: 'success', durationMs: 0, completedAt: new Date() }),
    );
  }

  recent(options: { siteId?: string; limit?: number } = {}): Promise<MaintenanceLog[]> {
    return this.repository.find({
      where: options.siteId ? { siteId: options.siteId } : {},
      order: { createdAt: 'DESC' },
      take: options.limit ?? 50,
    });
  }

  async getStats({ days }: { days: number }): Promise<LogStats> {
    const rows: StatsRow[] = await this.dataSource.query(
      `SELECT action,
              count(*) AS total,
              count(*) FILTER (WHERE outcome = 'success') AS success,
              count(*) FILTER (WHERE outcome = 'failed') AS failed,
              count(*) FILTER (WHERE outcome = 'skipped') AS skipped,
              count(*) FILTER (WHERE outcome = 'pending') AS pending,
              avg(duration_ms) FILTER (WHERE outcome IN ('success', 'failed')) AS avg_duration
         FROM maintenance_logs
        WHERE created_at >= now() - make_interval(days => $1) AND action <> 'settings'
        GROUP BY ROLLUP (action)`,
      [days],
    );
    const toStats = (row: StatsRow | undefined): ActionStats => {
      const success = Number(row?.success ?? 0);
      const failed = Number(row?.failed ?? 0);
      return {
        total: Number(row?.total ?? 0),
        success,
        failed,
        skipped: Number(row?.skipped ?? 0),
        pending: Number(row?.pending ?? 0),
        successRate: success + failed === 0 ? null : (success / (success + failed)) * 100,
        avgDurationMs: row?.avg_duration == null ? null : Number(row.avg_duration),
      };
    };
    const byAction: LogStats['byAction'] = {};
    for (const row of rows) if (row.action !== null) byAction[row.action] = toStats(row);
    return { days, overall: toStats(rows.find((row) => row.action === null)), byAction };
  }

  /**
   * Each site's latest successful enable: when, and by whom. By the audit row, not by time, so that
   * clock skew between hosts cannot mislead a window about who put a site into maintenance.
   */
  async latestEnables(siteIds: string[]): Promise<Map<string, { at: Date; actor: string }>> {
    if (!siteIds.length) return new Map();
    const rows: { site_id: string; created_at: Date; actor: string }[] = await this.dataSource.query(
      `SELECT DISTINCT ON (site_id) site_id, created_at, actor
         FROM maintenance_logs
        WHERE site_id = ANY($1::uuid[]) AND action = 'enable' AND outcome = 'success'
        ORDER BY site_id, created_at DESC`,
      [siteIds],
    );
    return new Map(rows.map((row) => [row.site_id, { at: row.created_at, actor: row.actor }]));
  }

  /** When each of these sites last went into maintenance (its latest successful enable). */
  async lastEnabled(siteIds: string[]): Promise<Map<string, Date>> {
    const enables = await this.latestEnables(siteIds);
    return new Map([...enables].map(([siteId, enable]) => [siteId, enable.at]));
  }

  /** Rows still pending, of these sites or of all (site-less sync rows included). */
  pending(siteIds: string[] | 'all'): Promise<Pick<MaintenanceLog, 'id' | 'owner' | 'createdAt'>[]> {
    return this.repository.find({
      select: { id: true, owner: true, createdAt: true },
      where: siteIds === 'all' ? { outcome: 'pending' } : { outcome: 'pending', siteId: In(siteIds) },
    });
  }

  /** Closes rows whose process ended before completing them (reconcile decides which). */
  async closeInterrupted(ids: string[]): Promise<void> {
    await this.dataSource.query(
      `UPDATE maintenance_logs
          SET outcome = 'failed', error_code = 'interrupted',
              error_message = 'Interrupted: the process that started this operation ended before finishing it; closed by reconcile.',
              duration_ms = (extract(epoch FROM now() - created_at) * 1000)::integer,
              completed_at = now()
        WHERE id = ANY($1::uuid[]) AND outcome = 'pending'`,
      [ids],
    );
  }

  /** Attempts per UTC day over the last `days` days, today included, oldest first; a quiet day counts zero. */
  async dailyCounts({ days }: { days: number }): Promise<DailyCounts[]> {
    return this.dataSource.query(
      `SELECT to_char(d.day, 'YYYY-MM-DD') AS day,
              count(l.id) FILTER (WHERE l.outcome = 'success')::int AS success,
              count(l.id) FILTER (WHERE l.outcome = 'failed')::int AS failed,
              count(l.id) FILTER (WHERE l.outcome = 'skipped')::int AS skipped
         FROM generate_series((now() AT TIME ZONE 'UTC')::date - ($1::int - 1), (now() AT TIME ZONE 'UTC')::date, interval '1 day') AS d(day)
         LEFT JOIN maintenance_logs l
           ON l.created_at >= d.day AT TIME ZONE 'UTC' AND l.created_at < (d.day + interval '1 day') AT TIME ZONE 'UTC'
          AND l.action <> 'settings'
        GROUP BY d.day
        ORDER BY d.day`,
      [days],
    );
  }

  /** Failed attempts since `since`: how many, and the latest few. */
  async failuresSince(since: Date, limit: number): Promise<{ count: number; latest: MaintenanceLog[] }> {
    const where = { outcome: 'failed' as const, createdAt: MoreThanOrEqual(since) };
    const [latest, count] = await this.repository.findAndCount({ where, order: { createdAt: 'DESC' }, take: limit });
    return { count, latest };
  }
}
