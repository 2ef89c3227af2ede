import { Injectable } from '@nestjs/common';
import { LogsService } from '../../logs/logs.service.js';
import { WindowStore } from '../../schedules/window-store.js';
import { SiteRepository } from '../../sites/site.repository.js';
import type { SiteScope } from '../../access/site-scope.js';
import type { DashboardSummary } from './dashboard-summary.js';

const SHOWN = 8;
const CHART_DAYS = 14;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The dashboard's figures, read in a handful of small queries whatever the size of the fleet. */
@Injectable()
export class DashboardService {
  constructor(
    private readonly sites: SiteRepository,
    private readonly windows: WindowStore,
    private readonly logs: LogsService,
  ) {}

  /** Over the sites of `scope` (for a user restricted to some sites), or every site. */
  async summary(scope?: SiteScope): Promise<DashboardSummary> {
    const [sites, inMaintenance, upcomingWindows, endFailing, failures, stats, perDay] = await Promise.all([
      this.sites.counts(scope),
      this.sitesInMaintenance(scope),
      this.upcomingWindows(scope),
      this.failingWindows(scope),
      this.logs.failuresSince(new Date(Date.now() - DAY_MS), SHOWN, scope),
      this.logs.getStats({ days: 30, scope }),
      this.logs.dailyCounts({ days: CHART_DAYS, scope }),
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

  private async sitesInMaintenance(scope?: SiteScope): Promise<DashboardSummary['inMaintenance']> {
    const rows = await this.sites.inMaintenance(SHOWN, scope);
    return rows.map((row) => ({ ...row, since: row.since?.toISOString() ?? null }));
  }

  /** Windows past their end whose sites do not all come out (window.end_failing), longest failing first. */
  private async failingWindows(scope?: SiteScope): Promise<DashboardSummary['failingWindows']> {
    const rows = await this.windows.failingToEnd(SHOWN, scope);
    return rows.map((row) => ({
      ...row,
      endsAt: row.endsAt.toISOString(),
      failingSince: row.failingSince.toISOString(),
      notifiedAt: row.notifiedAt?.toISOString() ?? null,
    }));
  }

  /** Windows running now or still to come, soonest first. */
  private async upcomingWindows(scope?: SiteScope): Promise<DashboardSummary['upcomingWindows']> {
    const rows = await this.windows.upcoming(SHOWN, scope);
    return rows.map((row) => ({ ...row, startsAt: row.startsAt.toISOString(), endsAt: row.endsAt.toISOString() }));
  }
}
