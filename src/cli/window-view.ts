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
