import { describe, expect, it } from '@jest/globals';
import { planWindow } from '../../src/schedules/window-input.validation.js';
import { formatInZone, occurrences, parseRecurrence, parseWindowTime } from '../../src/schedules/window-time.js';
import { retryDelayMs } from '../../src/schedules/window-execution.service.js';

const iso = (dates: Date[]) => dates.map((date) => date.toISOString());

describe('every Sunday 02:00 Europe/Berlin', () => {
  const sundays = parseRecurrence('0 2 * * 0', 'Europe/Berlin');

  it('is 01:00 UTC in winter, 00:00 UTC in summer, and 03:00 CEST on the spring-forward night', () => {
    expect(iso(occurrences(sundays, new Date('2026-03-15T00:00:00Z'), 4))).toEqual([
      '2026-03-15T01:00:00.000Z',
      '2026-03-22T01:00:00.000Z',
      // 29 March 2026: clocks jump from 02:00 to 03:00, so 02:00 does not exist; the first instant after the gap.
      '2026-03-29T01:00:00.000Z',
      '2026-04-05T00:00:00.000Z',
    ]);
  });

  it('runs once, at the first 02:00, on the fall-back night', () => {
    expect(iso(occurrences(sundays, new Date('2026-10-17T00:00:00Z'), 3))).toEqual([
      '2026-10-18T00:00:00.000Z',
      // 25 October 2026: 02:00 happens twice (CEST, then CET); the window starts at the first.
      '2026-10-25T00:00:00.000Z',
      '2026-11-01T01:00:00.000Z',
    ]);
  });

  it('counts an instant equal to an occurrence as that occurrence', () => {
    expect(iso(occurrences(sundays, new Date('2026-03-22T01:00:00Z'), 1))).toEqual(['2026-03-22T01:00:00.000Z']);
  });
});

describe('the first Tuesday of the month', () => {
  it('follows the nth-weekday syntax', () => {
    const firstTuesdays = parseRecurrence('0 2 * * 2#1', 'Europe/Berlin');
    expect(iso(occurrences(firstTuesdays, new Date('2026-11-25T00:00:00Z'), 3))).toEqual([
      '2026-12-01T01:00:00.000Z',
      '2027-01-05T01:00:00.000Z',
      '2027-02-02T01:00:00.000Z',
    ]);
  });
});

describe('parseWindowTime', () => {
  it('reads an offset as given and a local time in the zone', () => {
    expect(parseWindowTime('2026-12-06T02:00+01:00', undefined, 'start').toISOString()).toBe('2026-12-06T01:00:00.000Z');
    expect(parseWindowTime('2026-07-05 02:00', 'Europe/Berlin', 'start').toISOString()).toBe('2026-07-05T00:00:00.000Z');
    expect(parseWindowTime('2026-12-06T02:00Z', 'America/New_York', 'start').toISOString()).toBe('2026-12-06T02:00:00.000Z');
  });

  it('takes the first of a repeated local time', () => {
    expect(parseWindowTime('2026-10-25 02:30', 'Europe/Berlin', 'start').toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it('refuses nonsense with what it accepts', () => {
    expect(() => parseWindowTime('next sunday', 'UTC', 'start')).toThrow(/Invalid start "next sunday": expected ISO 8601/);
    expect(() => parseWindowTime('2026-13-01 02:00', 'UTC', 'end')).toThrow(/Invalid end/);
  });
});

describe('planWindow', () => {
  const now = new Date('2026-11-25T12:00:00Z');

  it('starts a recurring window at its first occurrence after the given start and keeps its length', () => {
    const plan = planWindow(
      { title: 'Weekly', sites: ['a.com'], start: '2026-11-25 00:00', timezone: 'Europe/Berlin', recurrence: '0 2 * * 0', durationMinutes: 90 },
      now,
    );
    expect(plan.startsAt.toISOString()).toBe('2026-11-29T01:00:00.000Z');
    expect(plan.endsAt.toISOString()).toBe('2026-11-29T02:30:00.000Z');
  });

  it('refuses occurrences that would overlap', () => {
    expect(() =>
      planWindow({ title: 'Hourly', sites: ['a.com'], start: now, recurrence: '0 * * * *', durationMinutes: 90 }, now),
    ).toThrow(/would overlap/);
  });

  it('refuses a window that has already ended', () => {
    expect(() => planWindow({ title: 'Past', sites: ['a.com'], start: '2026-11-01T00:00Z', durationMinutes: 60 }, now)).toThrow(
      /already passed/,
    );
  });
});

describe('formatInZone', () => {
  it('shows the instant as people in the zone read it', () => {
    expect(formatInZone(new Date('2026-12-06T02:30:00Z'), 'Europe/Berlin')).toBe('Sunday 6 December 2026, 03:30 CET');
  });
});

describe('retryDelayMs', () => {
  it('retries a failed site on the next pass, then backs off to at most ten minutes', () => {
    expect([1, 2, 3, 4, 10].map(retryDelayMs)).toEqual([0, 15_000, 30_000, 60_000, 600_000]);
  });
});
