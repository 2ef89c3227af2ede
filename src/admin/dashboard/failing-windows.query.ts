import type { DataSource } from 'typeorm';
import type { DashboardSummary } from './dashboard-summary.js';

const SHOWN = 8;

/** Windows past their end whose sites do not all come out (window.end_failing), longest failing first. */
export async function failingWindows(dataSource: DataSource): Promise<DashboardSummary['failingWindows']> {
  const rows: {
    id: string;
    title: string;
    endsAt: Date;
    failingSince: Date;
    notifiedAt: Date | null;
    sitesStillIn: number;
    lastError: string | null;
  }[] = await dataSource.query(
    `SELECT w.id, w.title, w.ends_at AS "endsAt", w.end_failing_since AS "failingSince",
            w.end_failing_notified_at AS "notifiedAt", w.last_error AS "lastError",
            (SELECT count(*)::int FROM scheduled_maintenance_sites s
              WHERE s.window_id = w.id AND s.execution IN ('enabled', 'disable_failed')) AS "sitesStillIn"
       FROM scheduled_maintenances w
      WHERE w.status IN ('active', 'ending') AND w.end_failing_since IS NOT NULL
      ORDER BY w.end_failing_since LIMIT $1`,
    [SHOWN],
  );
  return rows.map((row) => ({
    ...row,
    endsAt: row.endsAt.toISOString(),
    failingSince: row.failingSince.toISOString(),
    notifiedAt: row.notifiedAt?.toISOString() ?? null,
  }));
}
