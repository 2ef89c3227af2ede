import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { ScheduledMaintenance } from '../../src/schedules/scheduled-maintenance.entity.js';
import { type RunningServer, startServer } from '../support/run-server.js';
import { givenSite } from '../support/scenario.js';
import { serviceSuite } from '../support/service-suite.js';

const suite = serviceSuite();
let server: RunningServer;

beforeAll(async () => {
  // The default interval (2 s): what operators get.
  server = await startServer(suite.env);
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

/** Polls the database (the server runs in another process) until the window reaches `status`. */
async function waitForStatus(id: string, status: string, timeoutMs = 20_000): Promise<ScheduledMaintenance> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const window = await suite.db.dataSource.getRepository(ScheduledMaintenance).findOneByOrFail({ id });
    if (window.status === status) return window;
    if (Date.now() > deadline) throw new Error(`Window ${id} is ${window.status}, not ${status}, after ${timeoutMs} ms:\n${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the scheduler inside the server', () => {
  it('starts a window within 5 s of its time and ends it at its end; the maintenance page counts down to the end', async () => {
    const { site, zone } = await givenSite(suite.ctx, suite.fake, 'scheduled-by-server.com');
    const startsAt = new Date(Date.now() + 2000);
    const created = await suite.ctx.schedules.create(
      { title: 'Server-run', reason: 'Back soon', sites: [site.domain], start: startsAt, durationMinutes: 10, timezone: 'Europe/Berlin' },
      'test',
    );

    const active = await waitForStatus(created.id, 'active');
    const lateByMs = active.actualStart!.getTime() - active.startsAt.getTime();
    expect(lateByMs).toBeGreaterThanOrEqual(0);
    expect(lateByMs).toBeLessThan(5000);
    expect(suite.fake.pageRules(zone.id)).toHaveLength(1);

    const page = await fetch(`${server.url}/maintenance?site=${site.domain}`);
    expect(page.status).toBe(503);
    const retryAfter = Number(page.headers.get('retry-after'));
    expect(Math.abs(retryAfter - (active.endsAt.getTime() - Date.now()) / 1000)).toBeLessThan(5);
    expect(await page.text()).toContain('Back soon');

    const endsAt = new Date(Date.now() + 1500);
    await suite.ctx.schedules.update(created.id, { end: endsAt }, 'test');
    const completed = await waitForStatus(created.id, 'completed');
    const endLateByMs = completed.actualEnd!.getTime() - endsAt.getTime();
    expect(endLateByMs).toBeLessThan(5000);
    expect(suite.fake.pageRules(zone.id)).toEqual([]);

    mkdirSync('test-output', { recursive: true });
    writeFileSync('test-output/scheduler-lateness.json', JSON.stringify({ startLateByMs: lateByMs, endLateByMs }, null, 2));
  }, 60_000);
});
