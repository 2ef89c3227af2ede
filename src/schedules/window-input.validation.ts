import { ValidationError } from '../common/errors.js';
import { parseFreeText, TEXT_BOUNDS } from '../common/free-text.validation.js';
import { parseDomain } from '../sites/site-input.validation.js';
import { assertTimezone, formatInZone, occurrences, parseRecurrence, parseWindowTime } from './window-time.js';

export const MAX_DURATION_MINUTES = 7 * 24 * 60;

export interface WindowInput {
  title: string;
  description?: string | null;
  /** Public message on the maintenance page; also the audit reason. */
  reason?: string | null;
  /** Domains of registered sites. */
  sites: string[];
  /** A Date, ISO 8601 with an offset, or a local time read in `timezone`. */
  start: string | Date;
  /** One of end or durationMinutes. With a recurrence, the end of the first occurrence. */
  end?: string | Date | null;
  durationMinutes?: number | null;
  /** IANA zone; UTC when omitted. Required to read local times. */
  timezone?: string | null;
  recurrence?: string | null;
  autoEnable?: boolean;
  autoDisable?: boolean;
}

export interface WindowPlan {
  title: string;
  description: string | null;
  reason: string | null;
  domains: string[];
  startsAt: Date;
  endsAt: Date;
  timezone: string;
  recurrence: string | null;
  autoEnable: boolean;
  autoDisable: boolean;
}

/** Checks everything that needs no database, and works out the first occurrence. */
export function planWindow(input: WindowInput, now: Date): WindowPlan {
  const title = parseFreeText(input.title, { field: 'title', label: 'title', max: TEXT_BOUNDS.windowTitle });
  if (title === null) throw new ValidationError(`A window needs a title (1–${TEXT_BOUNDS.windowTitle} characters).`, { field: 'title' });
  const timezone = input.timezone?.trim() || 'UTC';
  assertTimezone(timezone);
  const domains = [...new Set((input.sites ?? []).map(siteDomain))];
  if (!domains.length) throw new ValidationError('A window needs at least one site: give the domains of registered sites.', { field: 'sites' });

  const requestedStart = instant(input.start, input.timezone ?? undefined, 'start');
  const hasEnd = input.end !== undefined && input.end !== null && input.end !== '';
  const hasDuration = input.durationMinutes !== undefined && input.durationMinutes !== null;
  if (hasEnd === hasDuration) {
    throw new ValidationError('Give either an end time or a duration in minutes (exactly one of the two).', { field: 'end' });
  }
  if (hasDuration && (!Number.isInteger(input.durationMinutes) || input.durationMinutes! < 1 || input.durationMinutes! > MAX_DURATION_MINUTES)) {
    throw new ValidationError(`Invalid duration ${input.durationMinutes}: expected whole minutes from 1 to ${MAX_DURATION_MINUTES} (7 days).`, {
      field: 'durationMinutes',
    });
  }

  const recurrence = input.recurrence?.trim() || null;
  let startsAt = requestedStart;
  if (recurrence) {
    const cron = parseRecurrence(recurrence, timezone);
    const from = requestedStart > now ? requestedStart : now;
    const [first, second] = occurrences(cron, from, 2);
    if (!first) throw new ValidationError(`The recurrence "${recurrence}" has no occurrence after ${from.toISOString()}.`, { field: 'recurrence' });
    startsAt = first;
    const durationMs = hasDuration ? input.durationMinutes! * 60_000 : endOf(input, timezone) - startsAt.getTime();
    if (second && durationMs > second.getTime() - first.getTime()) {
      throw new ValidationError(
        `Occurrences of "${recurrence}" would overlap: each lasts ${Math.round(durationMs / 60_000)} minutes but they are ` +
          `${Math.round((second.getTime() - first.getTime()) / 60_000)} minutes apart.`,
        { field: 'recurrence' },
      );
    }
    return finish(startsAt, startsAt.getTime() + durationMs);
  }
  const endsAt = hasDuration ? startsAt.getTime() + input.durationMinutes! * 60_000 : endOf(input, timezone);
  if (endsAt <= now.getTime()) {
    throw new ValidationError(`The window ends at ${new Date(endsAt).toISOString()}, which has already passed.`, { field: 'end' });
  }
  return finish(startsAt, endsAt);

  function finish(start: Date, endMs: number): WindowPlan {
    if (endMs <= start.getTime()) {
      throw new ValidationError(
        `The end (${formatInZone(new Date(endMs), timezone)}) must be after the start (${formatInZone(start, timezone)}).`,
        { field: 'end' },
      );
    }
    if (endMs - start.getTime() > MAX_DURATION_MINUTES * 60_000) {
      throw new ValidationError('A window may last at most 7 days.', { field: 'end' });
    }
    return {
      title: title!,
      description: parseFreeText(input.description, {
        field: 'description',
        label: 'description',
        max: TEXT_BOUNDS.windowDescription,
        multiLine: true,
      }),
      reason: parseFreeText(input.reason, { field: 'reason', label: 'message', max: TEXT_BOUNDS.windowMessage, multiLine: true }),
      domains,
      startsAt: start,
      endsAt: new Date(endMs),
      timezone,
      recurrence,
      autoEnable: input.autoEnable ?? true,
      autoDisable: input.autoDisable ?? true,
    };
  }
}

function endOf(input: WindowInput, timezone: string): number {
  return instant(input.end!, input.timezone ? timezone : undefined, 'end').getTime();
}

/** A site's domain, blamed on the window's `sites` input when it is malformed. */
function siteDomain(raw: string): string {
  try {
    return parseDomain(raw);
  } catch (error) {
    throw error instanceof ValidationError ? new ValidationError(error.message, { field: 'sites' }) : error;
  }
}

function instant(value: string | Date, timezone: string | undefined, field: string): Date {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new ValidationError(`Invalid ${field}: not a valid date.`, { field });
    return value;
  }
  if (typeof value !== 'string' || !value.trim()) throw new ValidationError(`A window needs a ${field} time.`, { field });
  return parseWindowTime(value, timezone, field);
}
