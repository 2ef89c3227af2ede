import { beforeAll, describe, expect, it } from '@jest/globals';
import { ValidationError } from '../../src/common/errors.js';
import { MaintenanceLog } from '../../src/logs/maintenance-log.entity.js';
import { ScheduledMaintenance } from '../../src/schedules/scheduled-maintenance.entity.js';
import type { FakeCloudflare } from '../support/fake-cloudflare/index.js';
import { givenSite } from '../support/scenario.js';
import { serviceSuite } from '../support/service-suite.js';
import { createTestContext, type TestContext } from '../support/test-context.js';
import type { TestDatabase } from '../support/test-database.js';

const suite = serviceSuite();
let fake: FakeCloudflare;
let db: TestDatabase;
let ctx: TestContext;
beforeAll(() => {
  ({ fake, db, ctx } = suite);
});

const MINUTE = 60_000;
const forbidden = { status: 403, code: 10000, message: 'Authentication error' };
/** Far enough ahead of the real clock that no test window is in the past when it is created. */
let base = Date.parse('2030-01-06T01:00:00Z');
function nextSlot(): Date {
  base += 7 * 24 * 60 * MINUTE;
  return new Date(base);
}
const at = (start: Date, minutes: number) => new Date(start.getTime() + minutes * MINUTE);

async function givenSites(prefix: string, count: number) {
  const result = [];
  for (let i = 0; i < count; i += 1) result.push(await givenSite(ctx, fake, `${prefix}-${i}.com`));
  return result;
}

function ruleCount(zoneId: string): number {
  return fake.pageRules(zoneId).length;
}

function enableLogs(domain: string) {
  return db.dataSource.getRepository(MaintenanceLog).find({ where: { domain, action: 'enable' }, order: { createdAt: 'ASC' } });
}

function pageRuleWrites(): number {
  return fake.exchanges.filter((exchange) => exchange.method !== 'GET').length;
}

describe('a window over three sites', () => {
  it('starts at its time, ends at its end, and leaves a site that was already in maintenance as it was', async () => {
    const [a, b, c] = await givenSites('window', 3);
    await ctx.maintenance.enableMaintenance(c.site, 'hand-made', 'cli:operator');
    const start = nextSlot();
    ctx.clock.set(at(start, -60));
    const window = await ctx.schedules.create(
      { title: 'DB upgrade', reason: 'Database upgrade', sites: [a.site.domain, b.site.domain, c.site.domain], start, durationMinutes: 90 },
      'test:planner',
    );

    const early = await ctx.schedules.processDue(at(start, -0.1));
    expect(early.started).toEqual([]);
    expect(ruleCount(a.zone.id)).toBe(0);

    const started = await ctx.schedules.processDue(start);
    expect(started.started).toHaveLength(1);
    expect(started.started[0]).toMatchObject({ id: window.id, lateByMs: 0, sites: { enabled: 2, alreadyOn: 1, failed: 0 } });
    expect(ruleCount(a.zone.id)).toBe(1);
    expect(ruleCount(b.zone.id)).toBe(1);
    const [enableA] = await enableLogs(a.site.domain);
    expect(enableA).toMatchObject({ outcome: 'success', actor: `schedule:${window.id}`, reason: 'Database upgrade' });
    const running = await ctx.schedules.get(window.id);
    expect(running.status).toBe('active');
    expect(Object.fromEntries(running.sites.map((entry) => [entry.site.domain, entry.execution]))).toEqual({
      'window-0.com': 'enabled',
      'window-1.com': 'enabled',
      'window-2.com': 'already_on',
    });

    const midway = await ctx.schedules.processDue(at(start, 45));
    expect([...midway.started, ...midway.ended, ...midway.retried]).toEqual([]);

    const ended = await ctx.schedules.processDue(at(start, 90));
    expect(ended.ended).toHaveLength(1);
    expect(ended.ended[0].sites).toMatchObject({ disabled: 2, kept: 0, failed: 0 });
    expect(ruleCount(a.zone.id)).toBe(0);
    expect(ruleCount(b.zone.id)).toBe(0);
    expect(ruleCount(c.zone.id)).toBe(1);
    const sites = await ctx.selection.select({ domains: ['window-0.com', 'window-1.com', 'window-2.com'] });
    expect(sites.map((site) => [site.domain, site.maintenanceState])).toEqual([
      ['window-0.com', 'off'],
      ['window-1.com', 'off'],
      ['window-2.com', 'on'],
    ]);
    const done = await ctx.schedules.get(window.id);
    expect(done).toMatchObject({ status: 'completed', actualStart: start, actualEnd: at(start, 90) });
    expect(done.history[0]).toMatchObject({ outcome: 'completed', sites: { enabled: 2, alreadyOn: 1, failed: 0 } });
  });
});

describe('several processes running processDue at once', () => {
  it('enables each site once and records one start', async () => {
    const sites = await givenSites('race', 3);
    const start = nextSlot();
    ctx.clock.set(at(start, -60));
    const window = await ctx.schedules.create({ title: 'Race', sites: sites.map((entry) => entry.site.domain), start, durationMinutes: 30 }, 'test');
    const others = await Promise.all([createTestContext(suite.env), createTestContext(suite.env)]);
    try {
      const posts = () => fake.exchanges.filter((exchange) => exchange.method === 'POST').length;
      const before = posts();
      const reports = await Promise.all([ctx, ...others].map((context) => context.schedules.processDue(at(start, 0.05))));
      expect(reports.flatMap((report) => report.started)).toHaveLength(1);
      expect(posts() - before).toBe(3);
      for (const { site, zone } of sites) {
        expect(ruleCount(zone.id)).toBe(1);
        expect((await enableLogs(site.domain)).filter((log) => log.outcome === 'success')).toHaveLength(1);
      }
      expect((await ctx.schedules.get(window.id)).status).toBe('active');
      const ends = await Promise.all([ctx, ...others].map((context) => context.schedules.processDue(at(start, 30))));
      expect(ends.flatMap((report) => report.ended)).toHaveLength(1);
      for (const { zone } of sites) expect(ruleCount(zone.id)).toBe(0);
    } finally {
      await Promise.all(others.map((context) => context.close()));
    }
  });
});

describe('missed starts', () => {
  it('starts late when the end is still ahead, and says how late', async () => {
    const [site] = await givenSites('late', 1);
    const start = nextSlot();
    ctx.clock.set(at(start, -60));
    const window = await ctx.schedules.create({ title: 'Late', sites: [site.site.domain], start, durationMinutes: 60 }, 'test');
    const report = await ctx.schedules.processDue(at(start, 10));
    expect(report.started).toEqual([expect.objectContaining({ id: window.id, lateByMs: 10 * MINUTE })]);
    expect(report.missed).toEqual([]);
    expect(ruleCount(site.zone.id)).toBe(1);
    await ctx.schedules.processDue(at(start, 60));
    expect(ruleCount(site.zone.id)).toBe(0);
  });

  it('records a window that passed entirely as missed, without calling Cloudflare', async () => {
    const [site] = await givenSites('missed', 1);
    const start = nextSlot();
    ctx.clock.set(at(start, -60));
    const window = await ctx.schedules.create({ title: 'Missed', sites: [site.site.domain], start, durationMinutes: 60 }, 'test');
    const exchanges = fake.exchanges.length;
    const report = await ctx.schedules.processDue(at(start, 120));
    expect(report.missed).toEqual([expect.objectContaining({ id: window.id })]);
    expect(report.started).toEqual([]);
    expect(report.ended).toEqual([]);
    expect(fake.exchanges.length).toBe(exchanges);
    const missed = await ctx.schedules.get(window.id);
    expect(missed).toMatchObject({ status: 'missed', actualStart: null, actualEnd: null });
    expect(missed.history[0]).toMatchObject({ outcome: 'missed' });
    expect(await enableLogs(site.site.domain)).toEqual([]);
  });
});

describe('a pass that died holding a window', () => {
  it('is taken over by the next pass, which finishes the start without enabling a site twice', async () => {
    const sites = await givenSites('takeover', 2);
    const start = nextSlot();
    ctx.clock.set(at(start, -60));
    const window = await ctx.schedules.create({ title: 'Takeover', sites: sites.map((entry) => entry.site.domain), start, durationMinutes: 60 }, 'test');
    // The dead pass had claimed the window and enabled the first site, then died before recording it.
    await ctx.maintenance.enableMaintenance(sites[0].site, 'Takeover', `schedule:${window.id}`);
    const [host, , boot] = (await import('../../src/common/process-owner.js')).currentProcessOwner().split(':');
    await db.dataSource
      .getRepository(ScheduledMaintenance)
      .update(window.id, { status: 'starting', claimedBy: `${host}:2147483646:${boot}:deadbeef`, claimedAt: start, actualStart: start });

    const report = await ctx.schedules.processDue(at(start, 1));
    expect(report.started).toEqual([expect.objectContaining({ id: window.id, lateByMs: 0, sites: expect.objectContaining({ enabled: 2, alreadyOn: 0 }) })]);
    for (const { zone } of sites) expect(ruleCount(zone.id)).toBe(1);
    expect((await enableLogs(sites[0].site.domain)).filter((log) => log.outcome === 'success')).toHaveLength(1);
    await ctx.schedules.processDue(at(start, 60));
    for (const { zone } of sites) expect(ruleCount(zone.id)).toBe(0);
  });
});

describe('failures', () => {
  it('keeps a window with some failed sites active, records why, and retries them on the next pass', async () => {
    const [good, bad] = await givenSites('partial', 2);
    const start = nextSlot();
    ctx.clock.set(at(start, -60));
    const window = await ctx.schedules.create({ title: 'Partial', sites: [good.site.domain, bad.site.domain], start, durationMinutes: 60 }, 'test');
    fake.injectFault({ method: 'POST', path: `/zones/${bad.zone.id}/pagerules`, times: Infinity, fault: forbidden });
    const first = await ctx.schedules.processDue(start);
    expect(first.started[0].sites).toMatchObject({ enabled: 1, failed: 1 });
    const active = await ctx.schedules.get(window.id);
    expect(active.status).toBe('active');
    const badEntry = active.sites.find((entry) => entry.site.domain === bad.site.domain)!;
    expect(badEntry).toMatchObject({ execution: 'failed', attempts: 1 });
    expect(badEntry.detail).toMatch(/10000|Authentication error|permission/i);
    expect(active.lastError).toContain(bad.site.domain);

    fake.clearFaults();
    const retried = await ctx.schedules.processDue(at(start, 0.1));
    expect(retried.retried).toEqual([expect.objectContaining({ id: window.id, sites: expect.objectContaining({ enabled: 1, failed: 0 }) })]);
    expect(ruleCount(bad.zone.id)).toBe(1);
    await ctx.schedules.processDue(at(start, 60));
    expect(ruleCount(good.zone.id) + ruleCount(bad.zone.id)).toBe(0);
    expect((await ctx.schedules.get(window.id)).status).toBe('completed');
  });

  it('marks a window failed when every site failed, and leaves no rule behind', async () => {
    const [site] = await givenSites('allfail', 1);
    const start = nextSlot();
    ctx.clock.set(at(start, -60));
    const window = await ctx.schedules.create({ title: 'All fail', sites: [site.site.domain], start, durationMinutes: 60 }, 'test');
    fake.injectFault({ method: 'POST', path: `/zones/${site.zone.id}/pagerules`, times: Infinity, fault: forbidden });
    const report = await ctx.schedules.processDue(start);
    expect(report.failed).toEqual([expect.objectContaining({ id: window.id, phase: 'start' })]);
    expect((await ctx.schedules.get(window.id)).status).toBe('failed');
    expect(ruleCount(site.zone.id)).toBe(0);
  });
});

describe('overlapping windows and operators', () => {
  it('keeps a site in maintenance until the last window covering it ends', async () => {
    const [shared] = await givenSites('overlap', 1);
    const start = nextSlot();
    ctx.clock.set(at(start, -60));
    const first = await ctx.schedules.create({ title: 'First', sites: [shared.site.domain], start, durationMinutes: 60 }, 'test');
    const second = await ctx.schedules.create({ title: 'Second', sites: [shared.site.domain], start: at(start, 30), durationMinutes: 60 }, 'test');
    await ctx.schedules.processDue(start);
    await ctx.schedules.processDue(at(start, 30));
    const ended = await ctx.schedules.processDue(at(start, 60));
    expect(ended.ended).toEqual([expect.objectContaining({ id: first.id, sites: expect.objectContaining({ kept: 1, disabled: 0 }) })]);
    expect(ruleCount(shared.zone.id)).toBe(1);
    await ctx.schedules.processDue(at(start, 90));
    expect(ruleCount(shared.zone.id)).toBe(0);
    expect((await ctx.schedules.get(second.id)).status).toBe('completed');
  });

  it('cancelling an active window ends it; cancelling a scheduled one makes no call', async () => {
    const [site] = await givenSites('cancel', 1);
    const start = nextSlot();
    ctx.clock.set(at(start, -60));
    const window = await ctx.schedules.create({ title: 'Cancel me', sites: [site.site.domain], start, durationMinutes: 60 }, 'test');
    await ctx.schedules.processDue(start);
    expect(ruleCount(site.zone.id)).toBe(1);
    ctx.clock.set(at(start, 5));
    const cancelled = await ctx.schedules.cancel(window.id, 'cli:operator');
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.history[0]).toMatchObject({ outcome: 'cancelled', note: 'cancelled by cli:operator' });
    expect(ruleCount(site.zone.id)).toBe(0);

    const later = await ctx.schedules.create({ title: 'Never', sites: [site.site.domain], start: at(start, 120), durationMinutes: 10 }, 'test');
    const writes = pageRuleWrites();
    expect((await ctx.schedules.cancel(later.id, 'cli:operator')).status).toBe('cancelled');
    expect((await ctx.schedules.processDue(at(start, 125))).started).toEqual([]);
    expect(pageRuleWrites()).toBe(writes);
    await expect(ctx.schedules.cancel(later.id, 'cli:operator')).rejects.toThrow(/already cancelled/);
  });
});

describe('a recurring window, every Sunday 02:00 Europe/Berlin', () => {
  it('moves from occurrence to occurrence at 02:00 local time across the spring DST change', async () => {
    const [site] = await givenSites('weekly', 1);
    ctx.clock.set('2031-03-10T12:00:00Z');
    const window = await ctx.schedules.create(
      { title: 'Weekly', sites: [site.site.domain], start: '2031-03-10 00:00', durationMinutes: 90, timezone: 'Europe/Berlin', recurrence: '0 2 * * 0' },
      'test',
    );
    // 2031-03-30 is the last Sunday of March: 02:00 does not exist, the occurrence runs at 03:00 CEST.
    const expected = ['2031-03-16T01:00:00.000Z', '2031-03-23T01:00:00.000Z', '2031-03-30T01:00:00.000Z', '2031-04-06T00:00:00.000Z'];
    const seen: string[] = [];
    for (let i = 0; i < expected.length; i += 1) {
      const current = await ctx.schedules.get(window.id);
      seen.push(current.startsAt.toISOString());
      await ctx.schedules.processDue(current.startsAt);
      expect(ruleCount(site.zone.id)).toBe(1);
      await ctx.schedules.processDue(current.endsAt);
      expect(ruleCount(site.zone.id)).toBe(0);
    }
    expect(seen).toEqual(expected);
    const after = await ctx.schedules.get(window.id);
    expect(after.status).toBe('scheduled');
    expect(after.history.map((entry) => entry.outcome)).toEqual(['completed', 'completed', 'completed', 'completed']);
    await ctx.schedules.cancel(window.id, 'test');
  });
});

describe('invalid input', () => {
  const cases: [string, Record<string, unknown>, RegExp, string][] = [
    ['end before start', { end: '2031-06-01T01:00:00Z' }, /must be after the start/, 'end'],
    ['unknown timezone', { timezone: 'Mars/Olympus_Mons', start: '2031-06-01 02:00' }, /Unknown timezone "Mars\/Olympus_Mons"/, 'timezone'],
    ['bad cron', { recurrence: '0 25 * * *' }, /Invalid recurrence "0 25 \* \* \*"/, 'recurrence'],
    ['cron with six fields', { recurrence: '0 0 2 * * 0' }, /five-field cron expression/, 'recurrence'],
    ['no sites', { sites: [] }, /at least one site/, 'sites'],
    ['unknown domain', { sites: ['nowhere.example'] }, /Unknown site nowhere\.example/, 'sites'],
    ['malformed domain', { sites: ['not a domain'] }, /domain/i, 'sites'],
    ['local time without timezone', { start: '2031-06-01 02:00' }, /no UTC offset: give a timezone/, 'start'],
    ['end and duration', { durationMinutes: 30 }, /either an end time or a duration/, 'end'],
    ['local time skipped by DST', { start: '2031-03-30 02:30', end: '2031-03-30 04:00', timezone: 'Europe/Berlin' }, /does not exist in Europe\/Berlin/, 'start'],
  ];
  it.each(cases)('refuses %s with a clear message naming the field, and writes nothing', async (_name, change, message, field) => {
    await givenSite(ctx, fake, 'valid-target.com').catch(() => undefined);
    const before = await db.snapshot();
    const input = { title: 'Bad', sites: ['valid-target.com'], start: '2031-06-01T02:00:00Z', end: '2031-06-01T03:00:00Z', ...change };
    const attempt = ctx.schedules.create(input, 'test');
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toThrow(message);
    await expect(attempt).rejects.toMatchObject({ field });
    expect(await db.snapshot()).toEqual(before);
    expect(await db.dataSource.getRepository(ScheduledMaintenance).countBy({ title: 'Bad' })).toBe(0);
  });
});
