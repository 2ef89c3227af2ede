import { describe, expect, it } from '@jest/globals';
import { maintenanceEnd, parseLength } from '../../src/schedules/maintenance-end.js';

const NOW = new Date('2026-12-05T20:00:00Z');
const HOUR = 3_600_000;

describe('parseLength', () => {
  it.each([
    ['2h', 2 * HOUR],
    ['30m', 30 * 60_000],
    ['1h30m', 1.5 * HOUR],
    ['1d', 24 * HOUR],
    [' 2H ', 2 * HOUR],
    ['PT2H30M', 2.5 * HOUR],
    ['pt45m', 45 * 60_000],
  ])('reads %j', (text, ms) => {
    expect(parseLength(text, 'for')).toBe(ms);
  });

  it.each(['', '0m', '0h0m', 'PT0S', '-2h', '2', '2 hours', 'h', '1.5h', 'P1Y', '8d'])('refuses %j', (text) => {
    expect(() => parseLength(text, 'for')).toThrow(/^Invalid for/);
  });
});

describe('maintenanceEnd', () => {
  it('is now plus the duration, or the end time read in the timezone', () => {
    expect(maintenanceEnd({ for: '2h' }, NOW)).toEqual(new Date('2026-12-05T22:00:00Z'));
    // Berlin is UTC+1 in December.
    expect(maintenanceEnd({ until: '2026-12-06 03:00', timezone: 'Europe/Berlin' }, NOW)).toEqual(new Date('2026-12-06T02:00:00Z'));
    expect(maintenanceEnd({ until: '2026-12-06T03:00+01:00' }, NOW)).toEqual(new Date('2026-12-06T02:00:00Z'));
  });

  it('refuses both, neither, a past end, a far end, an unknown zone and a local time that does not exist', () => {
    expect(() => maintenanceEnd({ for: '2h', until: '2026-12-06T03:00Z' }, NOW)).toThrow('not both');
    expect(() => maintenanceEnd({ for: ' ', until: '' }, NOW)).toThrow('Give a duration (for, e.g. 2h) or an end time (until).');
    expect(() => maintenanceEnd({ until: '2026-12-05T19:59Z' }, NOW)).toThrow('The end time Saturday 5 December 2026, 19:59 UTC has already passed.');
    expect(() => maintenanceEnd({ until: '2026-12-05T20:00Z' }, NOW)).toThrow('has already passed');
    expect(() => maintenanceEnd({ until: '2026-12-13T20:01Z' }, NOW)).toThrow('more than 7 days away');
    expect(() => maintenanceEnd({ until: '2026-12-06 03:00', timezone: 'Europe/Berln' }, NOW)).toThrow('Unknown timezone "Europe/Berln"');
    expect(() => maintenanceEnd({ until: '2027-03-28 02:30', timezone: 'Europe/Berlin' }, new Date('2027-03-27T12:00:00Z'))).toThrow(
      'does not exist in Europe/Berlin',
    );
  });
});
