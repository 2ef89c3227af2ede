import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
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

@Injectable()
export class LogsService {
  constructor(private readonly dataSource: DataSource) {}

  private get repository() {
    return this.dataSource.getRepository(MaintenanceLog);
  }

  /** Written before the first Cloudflare call, so that a crash still leaves a trace (DESIGN.md §3.6). */
  start(subject: LogSubject, manager: EntityManager = this.dataSource.manager): Promise<MaintenanceLog> {
    return manager.save(
      manager.create(MaintenanceLog, { ...subject, reason: subject.reason ?? null, outcome: 'pending', owner: currentProcessOwner() }),
    );
  }

  /** With `manager`, inside the caller's transaction (see SiteStateStore.finish). */
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
        WHERE created_at >= now() - make_interval(days => $1)
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
}
