import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LogsService } from '../../logs/logs.service.js';
import type { DashboardSummary } from './dashboard-summary.js';
import { failingWindows } from './failing-windows.query.js';

const SHOWN = 8;
const CHART_DAYS = 14;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The dashboard's figures, read in a handful of small queries whatever the size of the fleet. */
@Injectable()
export class DashboardService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly logs: LogsService,
  ) {}

  async summary(): Promise<DashboardSummary> {
    const [sites, inMaintenance, upcomingWindows, endFailing, failures, stats, perDay] = await Promise.all([
      this.siteCounts(),
      this.sitesInMaintenance(),
      this.upcomingWindows(),
      failingWindows(this.dataSource),
      this.logs.failuresSince(new Date(Date.now() - DAY_MS), SHOWN),
      this.logs.getStats({ days: 30 }),
      this.logs.dailyCounts({ days: CHART_DAYS }),
    ]);
    const { overall } = stats;
    return {
      sites,
      inMaintenance,
      upcomingWindows,
      failingWindows: endFailing,
      failures: {
        count: failures.count,
        latest: failures.latest.map((log) => ({
          id: log.id,
          domain: log.domain,
          action: log.action,
          errorMessage: log.errorMessage,
          createdAt: log.createdAt.toISOString(),
        })),
      },
      last30Days: { attempts: overall.success + overall.failed, successRate: overall.successRate, avgDurationMs: overall.avgDurationMs },
      perDay,
    };
  }

  private async siteCounts(): Promise<DashboardSummary['sites']> {
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS total,
              count(*) FILTER (WHERE maintenance_state = 'on')::int AS "inMaintenance",
              count(*) FILTER (WHERE maintenance_state = 'needs_reconcile')::int AS "needsReconcile",
              count(*) FILTER (WHERE maintenance_state IN ('enabling', 'disabling'))::int AS busy,
              count(*) FILTER (WHERE NOT is_active)::int AS inactive
         FROM cloudflare_sites`,
    );
    return row;
  }

  private async sitesInMaintenance(): Promise<DashboardSummary['inMaintenance']> {
    const rows: { id: string; domain: string; since: Date | null; reason: string | null }[] = await this.dataSource.query(
      `SELECT id, domain, maintenance_since AS since, maintenance_reason AS reason
         FROM cloudflare_sites WHERE maintenance_state = 'on'
        ORDER BY maintenance_since NULLS LAST LIMIT $1`,
      [SHOWN],
    );
    return rows.map((row) => ({ ...row, since: row.since?.toISOString() ?? null }));
  }

  /** Windows running now or still to come, soonest first. */
  private async upcomingWindows(): Promise<DashboardSummary['upcomingWindows']> {
    const rows: { id: string; title: string; status: string; startsAt: Date; endsAt: Date; sites: number }[] = await this.dataSource.query(
      `SELECT w.id, w.title, w.status, w.starts_at AS "startsAt", w.ends_at AS "endsAt",
              (SELECT count(*)::int FROM scheduled_maintenance_sites s WHERE s.window_id = w.id) AS sites
         FROM scheduled_maintenances w
        WHERE w.status IN ('scheduled', 'starting', 'active', 'ending')
        ORDER BY w.starts_at LIMIT $1`,
      [SHOWN],
    );
    return rows.map((row) => ({ ...row, startsAt: row.startsAt.toISOString(), endsAt: row.endsAt.toISOString() }));
  }
}
