import { Cron } from 'croner';
import { DateTime, IANAZone } from 'luxon';
import { ValidationError } from '../common/errors.js';

const HAS_OFFSET = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

export function assertTimezone(timezone: string): void {
  if (!IANAZone.isValidZone(timezone)) {
    throw new ValidationError(
      `Unknown timezone "${timezone}": expected an IANA zone name such as Europe/Berlin, America/New_York or UTC.`,
      { field: 'timezone' },
    );
  }
}

/**
 * An instant from ISO 8601 with an offset ("2026-12-06T02:00+01:00", "…Z"), or a local time
 * ("2026-12-06 02:00") read in `timezone`. A local time that does not exist there (skipped by a DST
 * change) is refused rather than silently moved; an ambiguous one (repeated) is the earlier instant.
 */
export function parseWindowTime(input: string, timezone: string | undefined, field: string): Date {
  const text = input.trim().replace(' ', 'T');
  const accepted = 'expected ISO 8601 with an offset (2026-12-06T02:00+01:00) or a local time (2026-12-06 02:00) with a timezone';
  if (HAS_OFFSET.test(text)) {
    const parsed = DateTime.fromISO(text, { setZone: true });
    if (!parsed.isValid) throw new ValidationError(`Invalid ${field} "${input}": ${accepted}.`, { field });
    return parsed.toJSDate();
  }
  if (!timezone) {
    throw new ValidationError(
      `${field} "${input}" has no UTC offset: give a timezone (e.g. Europe/Berlin) or write it with an offset, like 2026-12-06T02:00+01:00.`,
      { field },
    );
  }
  const wall = DateTime.fromISO(text, { zone: 'UTC' });
  if (!wall.isValid) throw new ValidationError(`Invalid ${field} "${input}": ${accepted}.`, { field });
  const local = DateTime.fromObject(
    { year: wall.year, month: wall.month, day: wall.day, hour: wall.hour, minute: wall.minute, second: wall.second },
    { zone: timezone },
  );
  if (local.hour !== wall.hour || local.minute !== wall.minute) {
    throw new ValidationError(
      `${field} ${wall.toFormat('yyyy-MM-dd HH:mm')} does not exist in ${timezone} (the clocks skip it for daylight saving time); pick another time.`,
      { field },
    );
  }
  // When the clocks go back the same wall time happens twice; luxon picks the later, we want the first.
  const shift = local.minus({ days: 1 }).offset - local.offset;
  const first = shift > 0 ? local.minus({ minutes: shift }) : local;
  return (first.hour === wall.hour && first.minute === wall.minute ? first : local).toJSDate();
}

/** A five-field cron expression (minute hour day-of-month month day-of-week, `#` and `L` allowed). */
export function parseRecurrence(expression: string, timezone: string): Cron {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) {
    throw new ValidationError(
      `Invalid recurrence "${expression}": expected a five-field cron expression "minute hour day-of-month month day-of-week", ` +
        `e.g. "0 2 * * 0" for every Sunday 02:00 or "0 2 * * 2#1" for the first Tuesday of each month.`,
      { field: 'recurrence' },
    );
  }
  try {
    return new Cron(fields.join(' '), { timezone, paused: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^CronPattern:\s*/, '') : String(error);
    throw new ValidationError(`Invalid recurrence "${expression}": ${reason}.`, { field: 'recurrence' });
  }
}

/**
 * The first occurrence at or after `from`, computed in the window's timezone so that 02:00 stays 02:00
 * across DST changes. A time skipped by the change runs at the first instant after the gap; a repeated
 * time runs once, at its first instance.
 */
export function nextOccurrence(recurrence: Cron, from: Date): Date | null {
  return recurrence.nextRun(new Date(from.getTime() - 1));
}

export function occurrences(recurrence: Cron, from: Date, count: number): Date[] {
  return recurrence.nextRuns(count, new Date(from.getTime() - 1));
}

/** The wall time in the zone, as parseWindowTime reads it back ("2026-12-06 02:00"). */
export function localTime(instant: Date, timezone: string): string {
  return DateTime.fromJSDate(instant, { zone: timezone }).toFormat('yyyy-MM-dd HH:mm');
}

/** "Sunday 6 December 2026, 03:30 CET": how people in that zone read the instant (as the maintenance page shows it). */
export function formatInZone(instant: Date, timezone: string): string {
  return DateTime.fromJSDate(instant, { zone: timezone }).setLocale('en-GB').toFormat('cccc d LLLL yyyy, HH:mm ZZZZ');
}
