import type { WindowRun } from '../schedules/process-report.js';
import type { ScheduledMaintenance } from '../schedules/scheduled-maintenance.entity.js';
import { formatInZone } from '../schedules/window-time.js';

/** A window as the CLI prints it (and as --json gives it). */
export function windowView(window: ScheduledMaintenance) {
  return {
    id: window.id,
    title: window.title,
    status: window.status,
    startsAt: window.startsAt,
    endsAt: window.endsAt,
    timezone: window.timezone,
    localStart: formatInZone(window.startsAt, window.timezone),
    localEnd: formatInZone(window.endsAt, window.timezone),
    recurrence: window.recurrence,
    autoEnable: window.autoEnable,
    autoDisable: window.autoDisable,
    reason: window.reason,
    description: window.description,
    createdBy: window.createdBy,
    actualStart: window.actualStart,
    actualEnd: window.actualEnd,
    lastError: window.lastError,
    sites: (window.sites ?? []).map((entry) => ({ domain: entry.site.domain, execution: entry.execution, detail: entry.detail })),
    history: window.history,
  };
}

export function parseDuration(value: string): number {
  const match = /^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m?)?\s*$/i.exec(value);
  if (!match || (match[1] === undefined && match[2] === undefined)) {
    throw new Error(`Invalid duration "${value}": expected minutes (90) or hours and minutes (1h30m, 2h).`);
  }
  return Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0);
}

/** Maintenance for a set time, as `enable --for/--until` prints it. */
export function timedMaintenanceView({ window, run }: { window: ScheduledMaintenance; run: WindowRun }) {
  const outcome = run.sites ?? { total: 0, enabled: 0, alreadyOn: 0, failed: 0, disabled: 0, kept: 0, failures: [] };
  return {
    windowId: window.id,
    status: window.status,
    endsAt: window.endsAt,
    localEnd: formatInZone(window.endsAt, window.timezone),
    timezone: window.timezone,
    sites: { total: outcome.total, enabled: outcome.enabled, alreadyOn: outcome.alreadyOn, failed: outcome.failed, failures: outcome.failures },
  };
}

export function timedMaintenanceText(view: ReturnType<typeof timedMaintenanceView>): string {
  const { sites } = view;
  const counts = `${sites.enabled} enabled, ${sites.alreadyOn} already in maintenance (left as they are at the end), ${sites.failed} failed`;
  const lines = [
    view.status === 'active'
      ? `In maintenance until ${view.localEnd} (window ${view.windowId}): ${counts}.`
      : `Not in maintenance: window ${view.windowId} is ${view.status} (${counts}).`,
    ...sites.failures.map((failure) => `  ${failure.domain}: ${failure.error}`),
  ];
  if (view.status === 'active') lines.push(`The scheduler takes them out then; \`maintenance extend ${view.windowId} --by 30m\` makes it longer.`);
  return lines.join('\n');
}
