import { Duration } from 'luxon';
import { ValidationError } from '../common/errors.js';
import { MAX_DURATION_MINUTES } from './window-input.validation.js';
import { assertTimezone, formatInZone, parseWindowTime } from './window-time.js';

/**
 * How long maintenance started now lasts: `for` a duration, or `until` an instant (a local time is read in
 * `timezone`, which is also the zone the maintenance page shows the end in).
 */
export interface MaintenanceEndInput {
  for?: string | null;
  until?: string | null;
  timezone?: string | null;
}

const UNITS: Record<string, number> = { d: 24 * 60 * 60_000, h: 60 * 60_000, m: 60_000 };
const COMPACT = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/i;
const ACCEPTED = 'expected a positive length such as 2h, 30m, 1h30m or 1d (or ISO 8601: PT2H)';

/** "2h", "30m", "1h30m", "1d" or ISO 8601 ("PT2H30M"), in milliseconds; a length of zero or garbage is refused. */
export function parseLength(raw: string, field: string): number {
  const text = raw.trim();
  let ms: number | undefined;
  const compact = COMPACT.exec(text);
  if (text && compact) {
    const [, days, hours, minutes] = compact;
    ms = Number(days ?? 0) * UNITS.d + Number(hours ?? 0) * UNITS.h + Number(minutes ?? 0) * UNITS.m;
  } else if (/^P/i.test(text)) {
    const duration = Duration.fromISO(text.toUpperCase());
    if (duration.isValid) ms = duration.toMillis();
  }
  if (ms === undefined || !Number.isFinite(ms)) throw new ValidationError(`Invalid ${field} "${raw}": ${ACCEPTED}.`, { field });
  if (ms <= 0) throw new ValidationError(`Invalid ${field} "${raw}": the length must be more than zero (${ACCEPTED}).`, { field });
  if (ms > MAX_DURATION_MINUTES * 60_000) throw new ValidationError(`Invalid ${field} "${raw}": at most 7 days.`, { field });
  return ms;
}

/** When maintenance started at `now` ends; exactly one of `for` and `until`, and an end still ahead. */
export function maintenanceEnd(input: MaintenanceEndInput, now: Date): Date {
  const hasFor = !!input.for?.trim();
  const hasUntil = !!input.until?.trim();
  if (hasFor && hasUntil) throw new ValidationError('Give either a duration (for) or an end time (until), not both.', { field: 'until' });
  if (!hasFor && !hasUntil) throw new ValidationError('Give a duration (for, e.g. 2h) or an end time (until).', { field: 'for' });
  const timezone = input.timezone?.trim() || undefined;
  if (timezone) assertTimezone(timezone);
  if (hasFor) return new Date(now.getTime() + parseLength(input.for!, 'for'));
  const end = parseWindowTime(input.until!, timezone, 'until');
  const shown = formatInZone(end, timezone ?? 'UTC');
  if (end.getTime() <= now.getTime()) throw new ValidationError(`The end time ${shown} has already passed.`, { field: 'until' });
  if (end.getTime() - now.getTime() > MAX_DURATION_MINUTES * 60_000) {
    throw new ValidationError(`The end time ${shown} is more than 7 days away: maintenance for a set time lasts at most 7 days.`, { field: 'until' });
  }
  return end;
}
