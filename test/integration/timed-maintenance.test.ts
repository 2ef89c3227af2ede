import { afterAll, describe, expect, it } from '@jest/globals';
import { ChangeFeeds } from '../../src/database/change-feeds.js';
import { DatabaseHealth } from '../../src/database/database-health.js';
import { MaintenancePageService } from '../../src/maintenance-page/maintenance-page.service.js';
import { PageDefaultsStore } from '../../src/maintenance-page/page-defaults.store.js';
import { retryAfterSeconds } from '../../src/maintenance-page/retry-after.js';
import type { WindowEvent } from '../../src/notifications/window-event.js';
import { ScheduledMaintenance } from '../../src/schedules/scheduled-maintenance.entity.js';
import { CloudflareSite } from '../../src/sites/cloudflare-site.entity.js';
import { WindowStore } from '../../src/schedules/window-store.js';
import { SiteRepository } from '../../src/sites/site.repository.js';
import { givenSite } from '../support/scenario.js';
import { serviceSuite } from '../support/service-suite.js';
import { createTestContext, type TestContext } from '../support/test-context.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const suite = serviceSuite();
const MINUTE = 60_000;
const at = (start: Date, minutes: number) => new Date(start.getTime() + minutes * MINUTE);
const DEFAULT_RETRY_AFTER = 300;
let receiver: WebhookReceiver | undefined;
let notifying: TestContext | undefined;

afterAll(async () => {
  await notifying?.close();
  await receiver?.stop();
});

/** What the maintenance page shows of a site now: a snapshot loaded afresh. */
async function pageOf(ctx: TestContext, domain: string) {
  const pages = new MaintenancePageService(ctx.app.get(SiteRepository), ctx.app.get(WindowStore), ctx.app.get(PageDefaultsStore), ctx.app.get(ChangeFeeds), ctx.app.get(DatabaseHealth));
  await pages.load();
  return pages.find(domain)?.view ?? null;
}

const stateOf = async (id: string) => (await suite.db.dataSource.getRepository(CloudflareSite).findOneByOrFail({ id })).maintenanceState;

describe('maintenance for a set time', () => {
  it('--for 2h: in maintenance at once, the page counts Retry-After down to the end, the scheduler takes it out then, the webhooks fire', async () => {
    receiver = await startWebhookReceiver(() => 200);
    notifying = await createTestContext({ ...suite.env, NOTIFY_WEBHOOK_URL: receiver.url });
    const ctx = notifying;
    const { site, zone } = await givenSite(ctx, suite.fake, 'timed.com');
    const now = new Date('2031-03-01T10:00:00Z');
    ctx.clock.set(now);

    const { window, run } = await ctx.schedules.startTimed({ domains: ['timed.com'], reason: 'Deploying v2', for: '2h' }, 'cli:deployer');

    expect(run.sites).toMatchObject({ total: 1, enabled: 1, failed: 0 });
    expect(window).toMatchObject({ status: 'active', startsAt: now, endsAt: at(now, 120), reason: 'Deploying v2', createdBy: 'cli:deployer' });
    expect(await stateOf(site.id)).toBe('on');
    expect(suite.fake.pageRules(zone.id)).toHaveLength(1);

    const page = await pageOf(ctx, 'timed.com');
    expect(page?.window).toEqual({ message: 'Deploying v2', endsAt: at(now, 120), timezone: 'UTC' });
    expect(retryAfterSeconds(page, now, DEFAULT_RETRY_AFTER)).toBe(7200);
    expect(retryAfterSeconds(page, at(now, 90), DEFAULT_RETRY_AFTER)).toBe(1800);

    expect((await ctx.schedules.processDue(at(now, 119))).ended).toEqual([]);
    expect(await stateOf(site.id)).toBe('on');
    const ended = await ctx.schedules.processDue(at(now, 120));
    expect(ended.ended.map((each) => each.id)).toEqual([window.id]);
    expect(await stateOf(site.id)).toBe('off');
    expect(suite.fake.pageRules(zone.id)).toEqual([]);
    expect(retryAfterSeconds(await pageOf(ctx, 'timed.com'), at(now, 120), DEFAULT_RETRY_AFTER)).toBe(DEFAULT_RETRY_AFTER);
    expect((await ctx.schedules.get(window.id)).status).toBe('completed');

    await ctx.notifier.settle();
    const events = receiver.requests.map((request) => JSON.parse(request.body) as WindowEvent);
    expect(events.map((event) => [event.type, event.window.id])).toEqual([
      ['window.started', window.id],
      ['window.ended', window.id],
    ]);
  });

  it('--until a local time in a timezone ends then, and extend --by 30m moves the end and the Retry-After with it', async () => {
    const { ctx } = suite;
    const { site } = await givenSite(ctx, suite.fake, 'extended.com');
    const now = new Date('2031-04-01T08:00:00Z');
    ctx.clock.set(now);

    const { window } = await ctx.schedules.startTimed(
      { domains: ['extended.com'], for: null, until: '2031-04-01 12:00', timezone: 'Europe/Berlin' },
      'cli:deployer',
    );
    // 12:00 in Berlin, summer time (UTC+2).
    expect(window.endsAt).toEqual(new Date('2031-04-01T10:00:00Z'));
    expect(window.timezone).toBe('Europe/Berlin');

    const byDomain = await ctx.schedules.extend('extended.com', { by: '30m' }, 'cli:deployer');
    expect(byDomain.endsAt).toEqual(new Date('2031-04-01T10:30:00Z'));
    const byId = await ctx.schedules.extend(window.id, { by: '1h' }, 'cli:deployer');
    expect(byId.endsAt).toEqual(new Date('2031-04-01T11:30:00Z'));
    const page = await pageOf(ctx, 'extended.com');
    expect(retryAfterSeconds(page, now, DEFAULT_RETRY_AFTER)).toBe(3.5 * 3600);

    expect((await ctx.schedules.processDue(new Date('2031-04-01T10:00:00Z'))).ended).toEqual([]);
    expect(await stateOf(site.id)).toBe('on');
    await ctx.schedules.processDue(new Date('2031-04-01T11:30:00Z'));
    expect(await stateOf(site.id)).toBe('off');
    await expect(ctx.schedules.extend(window.id, { by: '30m' }, 'cli:deployer')).rejects.toMatchObject({
      kind: 'validation',
      message: `Window "Maintenance for a set time: extended.com" is completed; only an active window can be extended.`,
    });
  });

  it.each([
    ['for and until together', { for: '2h', until: '2031-05-01T12:00Z' }, 'Give either a duration (for) or an end time (until), not both.'],
    ['neither', {}, 'Give a duration (for, e.g. 2h) or an end time (until).'],
    ['a negative duration', { for: '-2h' }, 'Invalid for "-2h": expected a positive length such as 2h, 30m, 1h30m or 1d (or ISO 8601: PT2H).'],
    ['a zero duration', { for: '0m' }, 'Invalid for "0m": the length must be more than zero (expected a positive length such as 2h, 30m, 1h30m or 1d (or ISO 8601: PT2H)).'],
    ['a garbage duration', { for: 'soon' }, 'Invalid for "soon": expected a positive length such as 2h, 30m, 1h30m or 1d (or ISO 8601: PT2H).'],
    ['more than 7 days', { for: '8d' }, 'Invalid for "8d": at most 7 days.'],
    ['an end in the past', { until: '2031-05-01T09:00Z' }, 'The end time Thursday 1 May 2031, 09:00 UTC has already passed.'],
    ['an unknown timezone', { until: '2031-05-01 12:00', timezone: 'Mars/Olympus' }, 'Unknown timezone "Mars/Olympus": expected an IANA zone name such as Europe/Berlin, America/New_York or UTC.'],
    ['a local time without a timezone', { until: '2031-05-01 12:00' }, 'until "2031-05-01 12:00" has no UTC offset: give a timezone (e.g. Europe/Berlin) or write it with an offset, like 2026-12-06T02:00+01:00.'],
  ])('refuses %s, writing nothing', async (_case, end, message) => {
    const { ctx } = suite;
    await givenSite(ctx, suite.fake, `refused-${_case.replace(/\W+/g, '-')}.com`);
    ctx.clock.set(new Date('2031-05-01T10:00:00Z'));
    const windows = await suite.db.dataSource.getRepository(ScheduledMaintenance).count();
    await expect(ctx.schedules.startTimed({ domains: [`refused-${_case.replace(/\W+/g, '-')}.com`], ...end }, 'test')).rejects.toMatchObject({
      kind: 'validation',
      message,
    });
    expect(await suite.db.dataSource.getRepository(ScheduledMaintenance).count()).toBe(windows);
  });
});
