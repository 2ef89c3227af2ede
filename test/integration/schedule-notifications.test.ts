import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DashboardService } from '../../src/admin/dashboard/dashboard.service.js';
import type { WindowEvent } from '../../src/notifications/window-event.js';
import { END_FAILING_NOTICE_INTERVAL_MS } from '../../src/schedules/window-lifecycle.service.js';
import { WindowStore } from '../../src/schedules/window-store.js';
import { SiteRepository } from '../../src/sites/site.repository.js';
import { givenSite } from '../support/scenario.js';
import { serviceSuite } from '../support/service-suite.js';
import { createTestContext, type TestContext } from '../support/test-context.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const suite = serviceSuite();
const MINUTE = 60_000;
const at = (start: Date, minutes: number) => new Date(start.getTime() + minutes * MINUTE);
const receivers: WebhookReceiver[] = [];
const contexts: TestContext[] = [];

async function notifyingContext(answer: (index: number) => number) {
  const receiver = await startWebhookReceiver(answer);
  receivers.push(receiver);
  const ctx = await createTestContext({ ...suite.env, NOTIFY_WEBHOOK_URL: receiver.url, NOTIFY_MAX_RETRIES: '2', NOTIFY_BEFORE_START_MINUTES: '15' });
  contexts.push(ctx);
  return { receiver, ctx };
}

afterAll(async () => {
  await Promise.all(contexts.map((ctx) => ctx.close()));
  await Promise.all(receivers.map((receiver) => receiver.stop()));
});

function events(receiver: WebhookReceiver): (WindowEvent & { text: string })[] {
  return receiver.requests.map((request) => JSON.parse(request.body));
}

describe('webhook notifications of a window', () => {
  let start: Date;
  beforeAll(() => {
    start = new Date('2032-02-01T10:00:00Z');
  });

  it('tells the receiver once before the start, at the start and at the end', async () => {
    const { receiver, ctx } = await notifyingContext(() => 200);
    const { site, zone } = await givenSite(ctx, suite.fake, 'notified.com');
    ctx.clock.set(at(start, -120));
    const window = await ctx.schedules.create({ title: 'Notified', sites: [site.domain], start, durationMinutes: 30 }, 'test');

    await ctx.schedules.processDue(at(start, -10));
    await ctx.schedules.processDue(at(start, -5));
    await ctx.schedules.processDue(start);
    await ctx.schedules.processDue(at(start, 30));
    await ctx.notifier.settle();

    expect(events(receiver).map((event) => event.type)).toEqual(['window.starting_soon', 'window.started', 'window.ended']);
    const [, started, ended] = events(receiver);
    expect(started).toMatchObject({ window: { id: window.id, title: 'Notified' }, sites: { total: 1, enabled: 1, failed: 0 } });
    expect(started.text).toContain('Notified');
    expect(ended.summary).toMatch(/ended: 1 sites taken out of maintenance/);
    expect(suite.fake.pageRules(zone.id)).toEqual([]);
  });

  it('goes on with the window when the receiver answers 500, after retrying the delivery', async () => {
    const { receiver, ctx } = await notifyingContext(() => 500);
    const { site, zone } = await givenSite(ctx, suite.fake, 'unheard.com');
    const later = at(start, 24 * 60);
    ctx.clock.set(at(later, -120));
    const window = await ctx.schedules.create({ title: 'Unheard', sites: [site.domain], start: later, durationMinutes: 30 }, 'test');

    const started = await ctx.schedules.processDue(later);
    // The pass did not wait for the failing deliveries (three attempts, a second or more apart).
    expect(receiver.requests.length).toBeLessThan(3);
    expect(started.started).toEqual([expect.objectContaining({ id: window.id })]);
    expect(suite.fake.pageRules(zone.id)).toHaveLength(1);
    const ended = await ctx.schedules.processDue(at(later, 30));
    expect(ended.ended).toEqual([expect.objectContaining({ id: window.id })]);
    expect(suite.fake.pageRules(zone.id)).toEqual([]);
    expect((await ctx.schedules.get(window.id)).status).toBe('completed');

    await ctx.notifier.settle();
    // Two events, each tried once and retried twice (NOTIFY_MAX_RETRIES=2).
    const types = events(receiver).map((event) => event.type).sort();
    expect(types).toEqual(['window.ended', 'window.ended', 'window.ended', 'window.started', 'window.started', 'window.started']);
  });

  it('sends window.end_failing at the first failed end and again after the interval, and the dashboard shows the window', async () => {
    const { receiver, ctx } = await notifyingContext(() => 200);
    const dashboard = new DashboardService(ctx.app.get(SiteRepository), ctx.app.get(WindowStore), ctx.logs);
    const { site, zone } = await givenSite(ctx, suite.fake, 'stuck-in.com');
    const stuck = at(start, 3 * 24 * 60);
    ctx.clock.set(at(stuck, -120));
    const window = await ctx.schedules.create({ title: 'Stuck', sites: [site.domain], start: stuck, durationMinutes: 30 }, 'test');
    await ctx.schedules.processDue(stuck);
    const end = at(stuck, 30);
    // Cloudflare refuses every delete of the window's rule until the fault is cleared.
    suite.fake.injectFault({ method: 'DELETE', path: new RegExp(`^/zones/${zone.id}/pagerules/`), times: Infinity, fault: 'success-false' });

    await ctx.schedules.processDue(end);
    await ctx.notifier.settle();
    const [started, failing] = events(receiver);
    expect(events(receiver).map((event) => event.type)).toEqual(['window.started', 'window.end_failing']);
    expect(failing).toMatchObject({ window: { id: window.id }, sites: { failed: 1, failures: [{ domain: 'stuck-in.com', error: expect.stringMatching(/delete rule 1 of 1/) }] } });
    expect(failing.summary).toMatch(/1 sites could not be taken out of maintenance \(stuck-in.com\); retrying/);
    expect(started).toBeDefined();
    const shown = (await dashboard.summary()).failingWindows;
    expect(shown).toEqual([
      expect.objectContaining({ id: window.id, title: 'Stuck', failingSince: end.toISOString(), notifiedAt: end.toISOString(), sitesStillIn: 1 }),
    ]);
    expect(shown[0].lastError).toMatch(/stuck-in.com: .*delete rule 1 of 1/);

    // Retried on each pass, but told again only once the interval has passed.
    const interval = END_FAILING_NOTICE_INTERVAL_MS / MINUTE;
    for (const minutes of [1, 15, interval - 1]) await ctx.schedules.processDue(at(end, minutes));
    await ctx.notifier.settle();
    expect(events(receiver)).toHaveLength(2);
    await ctx.schedules.processDue(at(end, interval));
    await ctx.notifier.settle();
    expect(events(receiver).map((event) => event.type)).toEqual(['window.started', 'window.end_failing', 'window.end_failing']);
    expect(events(receiver)[2].at).toBe(at(end, interval).toISOString());
    expect((await ctx.schedules.get(window.id)).status).toBe('active');
    expect(suite.fake.pageRules(zone.id)).toHaveLength(1);

    suite.fake.clearFaults();
    await ctx.schedules.processDue(at(end, interval + 10));
    await ctx.notifier.settle();
    expect(events(receiver).map((event) => event.type).at(-1)).toBe('window.ended');
    expect((await ctx.schedules.get(window.id)).status).toBe('completed');
    expect(suite.fake.pageRules(zone.id)).toEqual([]);
    expect((await dashboard.summary()).failingWindows).toEqual([]);
  });
});
