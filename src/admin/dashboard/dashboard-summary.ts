/** What the dashboard shows; built by DashboardService, drawn by components/dashboard.tsx. */
export interface DashboardSummary {
  sites: { total: number; inMaintenance: number; needsReconcile: number; busy: number; inactive: number };
  /** The sites in maintenance now, longest first (at most a handful). */
  inMaintenance: { id: string; domain: string; since: string | null; reason: string | null }[];
  upcomingWindows: { id: string; title: string; status: string; startsAt: string; endsAt: string; sites: number }[];
  /** Windows past their end whose sites still fail to come out; retried on every pass (window.end_failing). */
  failingWindows: {
    id: string;
    title: string;
    endsAt: string;
    failingSince: string;
    notifiedAt: string | null;
    sitesStillIn: number;
    lastError: string | null;
  }[];
  failures: { count: number; latest: { id: string; domain: string; action: string; errorMessage: string | null; createdAt: string }[] };
  last30Days: { attempts: number; successRate: number | null; avgDurationMs: number | null };
  /** Operations per UTC day, oldest first, one entry per day even when nothing happened. */
  perDay: { day: string; success: number; failed: number; skipped: number }[];
}
