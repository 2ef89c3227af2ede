import { siteIdInScope, siteIdInScopeWhere } from '../access/site-scope-sql.js';
import { coversEverySite, type SiteScope } from '../access/site-scope.js';
import { Injectable } from '@nestjs/common';
import { Between, DataSource, type EntityManager, type FindOptionsWhere, In, LessThan, MoreThanOrEqual } from 'typeorm';
import { currentProcessOwner } from '../common/process-owner.js';
import { type LogAction, type LogOutcome, MaintenanceLog } from './maintenance-log.entity.js';

export interface LogFilter {
  domain?: string;
  action?: LogAction;
  outcome?: LogOutcome;
  actor?: string;
  /** Rows created at or after… */
  since?: Date;
  /** …and before. */
  until?: Date;
}

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

/**
 * A statement on another table that must take effect together with an audit row's write: it runs as a CTE of
 * the same statement, so in the same transaction, in one round trip (SiteRepository's claim and settlement).
 */
export interface Alongside {
  sql: string;
  params: unknown[];
}

/** Every column of a row, named as MaintenanceLog's properties. */
const LOG_COLUMNS = `id, site_id AS "siteId", domain, action, outcome, reason, actor, duration_ms AS "durationMs", rule_ids AS "ruleIds",
  error_code AS "errorCode", error_message AS "errorMessage", owner, created_at AS "createdAt", completed_at AS "completedAt"`;

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
  start(subject: LogSubject): Promise<MaintenanceLog> {
    return this.repository.save(
      this.repository.create({ ...subject, reason: subject.reason ?? null, outcome: 'pending', owner: currentProcessOwner() }),
    );
  }

  /**
   * The pending row of an attempt, written only when `claim` (an UPDATE … RETURNING of the row it claims) takes
   * effect, in the same statement; null when the claim matched nothing.
   */
  async startWith(claim: Alongside, subject: LogSubject): Promise<MaintenanceLog | null> {
    const at = (index: number) => `$${claim.params.length + index}`;
    const rows: Partial<MaintenanceLog>[] = await this.dataSource.query(
      `WITH claimed AS (${claim.sql})
       INSERT INTO maintenance_logs (site_id, domain, action, outcome, reason, actor, owner)
       SELECT ${at(1)}::uuid, ${at(2)}, ${at(3)}, 'pending', ${at(4)}, ${at(5)}, ${at(6)} FROM claimed
       RETURNING ${LOG_COLUMNS}`,
      [...claim.params, subject.siteId, subject.domain, subject.action, subject.reason ?? null, subject.actor, currentProcessOwner()],
    );
    return rows.length ? this.repository.create(rows[0]) : null;
  }

  /**
   * One UPDATE of what completion sets (and the reason, which a caller may have summed up meanwhile), with
   * `alongside` in the same statement (see SiteRepository.finish).
   */
  async complete(log: MaintenanceLog, completion: LogCompletion, alongside?: Alongside): Promise<MaintenanceLog> {
    const completed = {
      outcome: completion.outcome,
      durationMs: Math.round(completion.durationMs),
      ruleIds: completion.ruleIds ?? [],
      errorCode: completion.errorCode === undefined || completion.errorCode === null ? null : String(completion.errorCode),
      errorMessage: completion.errorMessage ?? null,
      completedAt: new Date(),
      reason: log.reason,
    };
    const before = alongside?.params ?? [];
    const at = (index: number) => `$${before.length + index}`;
    await this.dataSource.query(
      `${alongside ? `WITH alongside AS (${alongside.sql}) ` : ''}UPDATE maintenance_logs
          SET outcome = ${at(1)}, duration_ms = ${at(2)}, rule_ids = ${at(3)}::jsonb, error_code = ${at(4)}, error_message = ${at(5)},
              completed_at = ${at(6)}, reason = ${at(7)}
        WHERE id = ${at(8)}`,
      [
        ...before,
        completed.outcome,
        completed.durationMs,
        JSON.stringify(completed.ruleIds),
        completed.errorCode,
        completed.errorMessage,
        completed.completedAt,
        completed.reason,
        log.id,
      ],
    );
    return Object.assign(log, completed);
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

  async getStats({ days, scope }: { days: number; scope?: SiteScope }): Promise<LogStats> {
    const inScope = siteIdInScope('site_id', scope, 2);
    const rows: StatsRow[] = await this.dataSource.query(
      `SELECT action,
              count(*) AS total,
              count(*) FILTER (WHERE outcome = 'success') AS success,
              count(*) FILTER (WHERE outcome = 'failed') AS failed,
              count(*) FILTER (WHERE outcome = 'skipped') AS skipped,
              count(*) FILTER (WHERE outcome = 'pending') AS pending,
              avg(duration_ms) FILTER (WHERE outcome IN ('success', 'failed')) AS avg_duration
         FROM maintenance_logs
        WHERE created_at >= now() - make_interval(days => $1) AND action <> 'settings' AND ${inScope.sql}
        GROUP BY ROLLUP (action)`,
      [days, ...inScope.params],
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
  async dailyCounts({ days, scope }: { days: number; scope?: SiteScope }): Promise<DailyCounts[]> {
    const inScope = siteIdInScope('l.site_id', scope, 2);
    return this.dataSource.query(
      `SELECT to_char(d.day, 'YYYY-MM-DD') AS day,
              count(l.id) FILTER (WHERE l.outcome = 'success')::int AS success,
              count(l.id) FILTER (WHERE l.outcome = 'failed')::int AS failed,
              count(l.id) FILTER (WHERE l.outcome = 'skipped')::int AS skipped
         FROM generate_series((now() AT TIME ZONE 'UTC')::date - ($1::int - 1), (now() AT TIME ZONE 'UTC')::date, interval '1 day') AS d(day)
         LEFT JOIN maintenance_logs l
           ON l.created_at >= d.day AT TIME ZONE 'UTC' AND l.created_at < (d.day + interval '1 day') AT TIME ZONE 'UTC'
          AND l.action <> 'settings' AND ${inScope.sql}
        GROUP BY d.day
        ORDER BY d.day`,
      [days, ...inScope.params],
    );
  }

  /** Failed attempts (on the sites of `scope`) since `since`: how many, and the latest few. */
  async failuresSince(since: Date, limit: number, scope?: SiteScope): Promise<{ count: number; latest: MaintenanceLog[] }> {
    const where = {
      outcome: 'failed' as const,
      createdAt: MoreThanOrEqual(since),
      ...(scope && !coversEverySite(scope) ? { siteId: siteIdInScopeWhere(scope) } : {}),
    };
    const [latest, count] = await this.repository.findAndCount({ where, order: { createdAt: 'DESC' }, take: limit });
    return { count, latest };
  }

  /** A page of the audit log, newest first, on the sites of `scope`. */
  async page(filter: LogFilter, page: { limit: number; offset: number }, scope?: SiteScope): Promise<{ items: MaintenanceLog[]; total: number }> {
    const where: FindOptionsWhere<MaintenanceLog> = {};
    if (filter.domain !== undefined) where.domain = filter.domain;
    if (filter.action !== undefined) where.action = filter.action;
    if (filter.outcome !== undefined) where.outcome = filter.outcome;
    if (filter.actor !== undefined) where.actor = filter.actor;
    if (filter.since && filter.until) where.createdAt = Between(filter.since, new Date(filter.until.getTime() - 1));
    else if (filter.since) where.createdAt = MoreThanOrEqual(filter.since);
    else if (filter.until) where.createdAt = LessThan(filter.until);
    if (scope && !coversEverySite(scope)) where.siteId = siteIdInScopeWhere(scope);
    const [items, total] = await this.repository.findAndCount({ where, order: { createdAt: 'DESC', id: 'ASC' }, take: page.limit, skip: page.offset });
    return { items, total };
  }
}
