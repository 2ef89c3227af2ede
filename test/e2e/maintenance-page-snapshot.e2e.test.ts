import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { ScheduledMaintenanceSite } from '../../src/schedules/scheduled-maintenance-site.entity.js';
import { ScheduledMaintenance } from '../../src/schedules/scheduled-maintenance.entity.js';
import { fetchPage, pageWithin as pageWithinBound, type SeenPage } from '../support/maintenance-page.js';
import { type PgProxy, startPgProxy } from '../support/pg-proxy.js';
import { runCli } from '../support/run-cli.js';
import { type RunningServer, startServer } from '../support/run-server.js';
import { givenSite } from '../support/scenario.js';
import { serviceSuite } from '../support/service-suite.js';
import { onAdminDatabase } from '../support/test-database.js';

/**
 * The server answers the maintenance page from a snapshot in memory (docs/maintenance-page.md). These tests
 * change what a page shows from other processes (the built CLI, SQL) and poll the page for at most the bound
 * (2 s); they make PostgreSQL unreachable and check that the page still answers; and they count the queries
 * /health makes, through a proxy in front of PostgreSQL.
 */

const suite = serviceSuite();
const DEFAULT_RETRY_AFTER = 600;
let proxy: PgProxy;
let server: RunningServer;

beforeAll(async () => {
  proxy = await startPgProxy();
  // The CLI starts and ends the windows here, so that each change has one known moment.
  server = await startServer({ ...suite.env, DATABASE_URL: proxy.url(suite.db.url), SCHEDULER_ENABLED: 'false' });
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await proxy?.close();
});

function page(domain: string): Promise<SeenPage> {
  return fetchPage(server.url, domain);
}

function pageWithin(domain: string, shows: (html: string) => boolean, boundMs?: number): Promise<SeenPage> {
  return pageWithinBound(server.url, domain, shows, boundMs);
}

async function cli(args: string[]): Promise<string> {
  const result = await runCli(args, { env: suite.env });
  expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: '' });
  return result.stdout;
}

async function health(): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${server.url}/health`);
  return { status: response.status, body: await response.json() };
}

describe('the page snapshot follows changes made by other processes', () => {
  it('shows a window within 2 s of its start by the built CLI, and drops it within 2 s of its end', async () => {
    await givenSite(suite.ctx, suite.fake, 'window-start.com', { siteName: 'Window Start' });
    expect((await page('window-start.com')).html).toContain('Window Start is down for maintenance');

    const added = JSON.parse(
      await cli(['schedule', 'add', '--title', 'Disks', '--sites', 'window-start.com', '--reason', 'Swapping the disks.',
        '--start', new Date(Date.now() + 1000).toISOString(), '--duration', '60', '--json']),
    ) as { id: string };
    await sleep(1100);
    await cli(['process-scheduled']);
    const started = await pageWithin('window-start.com', (html) => html.includes('Swapping the disks.'));
    expect(started.status).toBe(503);
    expect(started.retryAfter).toBeGreaterThan(59 * 60 - 30);
    expect(started.retryAfter).toBeLessThanOrEqual(60 * 60);

    await cli(['schedule', 'cancel', added.id]);
    const ended = await pageWithin('window-start.com', (html) => !html.includes('Swapping the disks.'));
    expect(ended.html).toContain('Window Start is down for maintenance');
    expect(ended.retryAfter).toBe(DEFAULT_RETRY_AFTER);
  }, 60_000);

  it('shows the reason within 2 s of an enable by hand through the built CLI, and drops it within 2 s of the disable', async () => {
    await givenSite(suite.ctx, suite.fake, 'by-hand.com', { siteName: 'By Hand' });
    expect((await page('by-hand.com')).html).not.toContain('Back at 14:00 UTC');

    await cli(['enable', 'by-hand.com', '--reason', 'Back at 14:00 UTC']);
    const enabled = await pageWithin('by-hand.com', (html) => html.includes('<p class="message">Back at 14:00 UTC</p>'));
    expect(enabled.status).toBe(503);
    expect(enabled.retryAfter).toBe(DEFAULT_RETRY_AFTER);

    await cli(['disable', 'by-hand.com']);
    const disabled = await pageWithin('by-hand.com', (html) => !html.includes('Back at 14:00 UTC'));
    expect(disabled.html).toContain('By Hand is down for maintenance');
  }, 60_000);

  it('names a site within 2 s of its registration by the built CLI, and its new name within 2 s of a rename', async () => {
    suite.fake.addZone({ name: 'added-by-hand.com' });
    expect((await page('added-by-hand.com')).html).toContain('This site is down for maintenance');

    await cli(['sites', 'add', 'added-by-hand.com', '--name', 'Added By Hand']);
    await pageWithin('added-by-hand.com', (html) => html.includes('Added By Hand is down for maintenance'));

    await cli(['sites', 'update', 'added-by-hand.com', '--name', 'Renamed By Hand']);
    await pageWithin('added-by-hand.com', (html) => html.includes('Renamed By Hand is down for maintenance'));
  }, 60_000);
});

describe('the page on its own path', () => {
  it('answers HEAD as GET without the bytes, and leaves other methods and paths to the rest of the server', async () => {
    await givenSite(suite.ctx, suite.fake, 'head-request.com');
    const get = await fetch(`${server.url}/maintenance?site=head-request.com`);
    const bytes = Buffer.from(await get.arrayBuffer());

    const head = await fetch(`${server.url}/MAINTENANCE/?site=head-request.com`, { method: 'HEAD' });

    expect(head.status).toBe(503);
    expect(await head.text()).toBe('');
    for (const name of ['content-type', 'cache-control', 'content-security-policy', 'retry-after', 'etag']) {
      expect({ name, value: head.headers.get(name) }).toEqual({ name, value: get.headers.get(name) });
    }
    expect(Number(head.headers.get('content-length'))).toBe(bytes.length);
    expect((await fetch(`${server.url}/maintenance?site=head-request.com`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${server.url}/maintenance/other?site=head-request.com`)).status).toBe(404);
  });
});

describe('while PostgreSQL is unreachable', () => {
  it('keeps answering 503 with Retry-After from the last snapshot, logs it once, and follows changes again once it is back', async () => {
    const { site } = await givenSite(suite.ctx, suite.fake, 'outage.com', { siteName: 'Outage' });
    const endsAt = new Date(Date.now() + 45 * 60_000);
    const window = await suite.db.dataSource.getRepository(ScheduledMaintenance).save({
      title: 'Outage', reason: 'Moving racks.', startsAt: new Date(Date.now() - 60_000), endsAt, timezone: 'UTC', status: 'active', createdBy: 'test',
    });
    await suite.db.dataSource.getRepository(ScheduledMaintenanceSite).save({ windowId: window.id, siteId: site.id, execution: 'enabled' });
    await pageWithin('outage.com', (html) => html.includes('Moving racks.'));
    const database = new URL(suite.db.url).pathname.slice(1);

    await onAdminDatabase(async (client) => {
      await client.query(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS false`);
      await client.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [database]);
    });
    try {
      const deadline = Date.now() + 1500;
      while ((await health()).status !== 503) {
        if (Date.now() > deadline) throw new Error(`/health still answers 200 1.5 s into the outage:\n${server.output()}`);
        await sleep(50);
      }
      for (let visit = 0; visit < 20; visit += 1) {
        const during = await page('outage.com');
        expect(during.status).toBe(503);
        expect(during.html).toContain('Outage is down for maintenance');
        expect(during.html).toContain('Moving racks.');
        expect(Math.abs(during.retryAfter - (endsAt.getTime() - Date.now()) / 1000)).toBeLessThan(5);
      }
      const unknown = await page('unknown-during-outage.com');
      expect({ status: unknown.status, retryAfter: unknown.retryAfter }).toEqual({ status: 503, retryAfter: DEFAULT_RETRY_AFTER });
      expect(unknown.html).toContain('This site is down for maintenance');
      expect(server.output().split('the site lookup failed').length - 1).toBe(1);
    } finally {
      await onAdminDatabase((client) => client.query(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS true`));
    }

    await suite.db.dataSource.query(`UPDATE cloudflare_sites SET name = 'Back' WHERE id = $1`, [site.id]);
    // The change feed reconnects with backoff (at most 10 s between attempts); then the change shows.
    await pageWithin('outage.com', (html) => html.includes('Back is down for maintenance'), 15_000);
    // A probe's answer stands for a second, the one that saw the outage too.
    await sleep(1000);
    expect(await health()).toEqual({ status: 200, body: { status: 'ok', database: 'ok' } });
  }, 60_000);
});

describe('GET /health', () => {
  it('asks the database at most about once a second however many requests arrive, and reports it unreachable within a second', async () => {
    await sleep(1100);
    proxy.resetCount();
    const started = Date.now();
    for (let wave = 0; wave < 10; wave += 1) {
      const answers = await Promise.all(Array.from({ length: 50 }, () => health()));
      expect(answers.filter((answer) => answer.status !== 200)).toEqual([]);
      await sleep(300);
    }
    const seconds = (Date.now() - started) / 1000;
    // One probe a second at most, plus room for one periodic reload of the snapshot (two statements).
    expect(proxy.statements).toBeGreaterThanOrEqual(1);
    expect(proxy.statements).toBeLessThanOrEqual(Math.ceil(seconds) + 1 + 2);

    proxy.cut();
    try {
      const cutAt = Date.now();
      let answer = await health();
      while (answer.status === 200 && Date.now() - cutAt < 1500) answer = await health();
      expect(answer).toEqual({ status: 503, body: { status: 'error', database: 'unreachable' } });
      expect((await page('window-start.com')).status).toBe(503);
    } finally {
      proxy.restore();
    }
  }, 60_000);
});
