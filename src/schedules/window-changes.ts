import type { ScheduledMaintenance } from './scheduled-maintenance.entity.js';
import type { WindowInput } from './window-input.validation.js';
import { localTime } from './window-time.js';

export type WindowChanges = Partial<WindowInput>;

/**
 * Only what a whole form (every field, as `schedule add` takes them) changes on a window: an active
 * window refuses changes to its sites, start or recurrence, so an unchanged field must not count.
 */
export function windowChanges(input: WindowInput, window: ScheduledMaintenance): WindowChanges {
  const current: WindowInput = {
    title: window.title,
    description: window.description,
    reason: window.reason,
    sites: window.sites.map((entry) => entry.site.domain),
    start: localTime(window.startsAt, window.timezone),
    end: localTime(window.endsAt, window.timezone),
    durationMinutes: null,
    timezone: window.timezone,
    recurrence: window.recurrence,
    autoEnable: window.autoEnable,
    autoDisable: window.autoDisable,
  };
  const same = (key: keyof WindowInput) =>
    key === 'sites' ? [...input.sites].sort().join() === [...current.sites].sort().join() : (input[key] ?? null) === (current[key] ?? null);
  const changes: WindowChanges = {};
  for (const key of Object.keys(input) as (keyof WindowInput)[]) {
    if (input[key] !== undefined && !same(key)) Object.assign(changes, { [key]: input[key] });
  }
  // A new start keeps the window's length unless an end or a duration is given too.
  if (changes.start !== undefined && changes.end === undefined && changes.durationMinutes == null) {
    changes.durationMinutes = Math.round((window.endsAt.getTime() - window.startsAt.getTime()) / 60_000);
    changes.end = null;
  }
  if (changes.durationMinutes != null) changes.end = null;
  return changes;
}
