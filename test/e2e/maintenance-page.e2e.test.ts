import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CloudflareApiKey } from '../../src/api-keys/cloudflare-api-key.entity.js';
import type { SiteExecution } from '../../src/schedules/scheduled-maintenance-site.entity.js';
import { ScheduledMaintenanceSite } from '../../src/schedules/scheduled-maintenance-site.entity.js';
import { ScheduledMaintenance, type WindowStatus } from '../../src/schedules/scheduled-maintenance.entity.js';
import { CloudflareSite } from '../../src/sites/cloudflare-site.entity.js';
import { type RunningServer, startServer } from '../support/run-server.js';
import { TEST_PUBLIC_URL, TEST_SECRET_KEY, TEST_SESSION_SECRET } from '../support/test-context.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const DEFAULT_RETRY_AFTER = 321;
const HOUR_MS = 3_600_000;

let db: TestDatabase;
let server: RunningServer;
let apiKey: CloudflareApiKey;

function serverEnv(databaseUrl: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    APP_SECRET_KEY: TEST_SECRET_KEY,
    SESSION_SECRET: TEST_SESSION_SECRET,
    PUBLIC_URL: TEST_PUBLIC_URL,
    MAINTENANCE_RETRY_AFTER_SECONDS: String(DEFAULT_RETRY_AFTER),
    // The windows below are inserted as they are; nothing may start or end them meanwhile.
    SCHEDULER_ENABLED: 'false',
  };
}

function givenSite(domain: string, name = domain): Promise<CloudflareSite> {
  return db.dataSource.getRepository(CloudflareSite).save({ domain, name, apiKeyId: apiKey.id, maintenanceState: 'on' });
}

interface WindowInit {
  status?: WindowStatus;
  endsAt?: Date;
  reason?: string | null;
  timezone?: string;
}

async function givenWindow(init: WindowInit, sites: [CloudflareSite, SiteExecution][]): Promise<ScheduledMaintenance> {
  const endsAt = init.endsAt ?? new Date(Date.now() + HOUR_MS);
  const window = await db.dataSource.getRepository(ScheduledMaintenance).save({
    title: 'Database upgrade',
    reason: init.reason === undefined ? 'Upgrading the database.' : init.reason,
    startsAt: new Date(endsAt.getTime() - 2 * HOUR_MS),
    endsAt,
    timezone: init.timezone ?? 'UTC',
    status: init.status ?? 'active',
    createdBy: 'test',
  });
  await db.dataSource
    .getRepository(ScheduledMaintenanceSite)
    .save(sites.map(([site, execution]) => ({ windowId: window.id, siteId: site.id, execution })));
  return window;
}

async function page(query: string) {
  const response = await fetch(`${server.url}/maintenance${query}`);
  return { response, html: await response.text(), retryAfter: Number(response.headers.get('retry-after')) };
}

function expectGenericPage(result: Awaited<ReturnType<typeof page>>) {
  expect(result.response.status).toBe(503);
  expect(result.retryAfter).toBe(DEFAULT_RETRY_AFTER);
  expect(result.html).toContain('This site is down for maintenance');
  expect(result.html).toContain('We are making improvements');
  expect(result.html).not.toContain('Expected back by');
}

beforeAll(async () => {
  db = await createTestDatabase();
  apiKey = await db.dataSource
    .getRepository(CloudflareApiKey)
    .save({ name: 'primary', encryptedToken: 'not-used', tokenHint: 'abcd', isDefault: true });
  server = await startServer(serverEnv(db.url));
});

afterAll(async () => {
  await server?.stop();
  await db?.drop();
});

describe('GET /maintenance', () => {
  it('answers 503 with the window message, its end in the window timezone and a Retry-After until then', async () => {
    const site = await givenSite('shop.example.com', 'Shop & Co');
    const endsAt = new Date(Date.now() + 90 * 60_000);
    await givenWindow({ endsAt, timezone: 'Asia/Kolkata', reason: 'Moving to a faster database.' }, [[site, 'enabled']]);

    const { response, html, retryAfter } = await page('?site=shop.example.com');

    expect(response.status).toBe(503);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(Math.abs(retryAfter - (endsAt.getTime() - Date.now()) / 1000)).toBeLessThan(3);
    expect(html).toContain('<meta name="robots" content="noindex">');
    expect(html).toContain('Shop &amp; Co is down for maintenance');
    expect(html).toContain('Moving to a faster database.');
    // Asia/Kolkata is UTC+05:30 all year round.
    const localTime = new Date(endsAt.getTime() + 5.5 * HOUR_MS).toISOString().slice(11, 16);
    expect(html).toContain(`Expected back by <time datetime="${endsAt.toISOString()}">`);
    expect(html).toContain(`, ${localTime} GMT+5:30</time>`);
    expect(html).not.toMatch(/<script|<link|src=|url\(/i);
  });

  it('finds the site however the domain is spelled, and uses the active window that ends last', async () => {
    const site = await givenSite('two-windows.com');
    const later = new Date(Date.now() + 3 * HOUR_MS);
    await givenWindow({ reason: 'First window' }, [[site, 'enabled']]);
    await givenWindow({ endsAt: later, reason: 'Second window' }, [[site, 'already_on']]);
    await givenWindow({ endsAt: new Date(Date.now() + 9 * HOUR_MS), status: 'scheduled', reason: 'Not started' }, [[site, 'pending']]);

    const { html, retryAfter } = await page('?site=%20Two-Windows.COM.%20');

    expect(Math.abs(retryAfter - (later.getTime() - Date.now()) / 1000)).toBeLessThan(3);
    expect(html).toContain('two-windows.com is down for maintenance');
    expect(html).toContain('Second window');
    expect(html).not.toContain('First window');
    expect(html).not.toContain('Not started');
  });

  it('ignores a window that did not put the site into maintenance', async () => {
    const site = await givenSite('failed-start.com');
    await givenWindow({ reason: 'Never shown' }, [[site, 'failed']]);

    const result = await page('?site=failed-start.com');

    expect(result.retryAfter).toBe(DEFAULT_RETRY_AFTER);
    expect(result.html).toContain('failed-start.com is down for maintenance');
    expect(result.html).not.toContain('Never shown');
    expect(result.html).not.toContain('Expected back by');
  });

  it('answers Retry-After 1 when an active window is already overdue', async () => {
    const site = await givenSite('overdue.com');
    await givenWindow({ endsAt: new Date(Date.now() - 60_000) }, [[site, 'enabled']]);

    expect((await page('?site=overdue.com')).retryAfter).toBe(1);
  });

  it('escapes a stored message and a stored site name that hold markup', async () => {
    const site = await givenSite('hostile-message.com', '<b>Bold</b> "name"');
    await givenWindow({ reason: '<img src=x onerror=alert(1)> & </p><script>alert(2)</script>' }, [[site, 'enabled']]);

    const { html } = await page('?site=hostile-message.com');

    expect(html).toContain('&lt;b&gt;Bold&lt;/b&gt; &quot;name&quot; is down for maintenance');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &lt;/p&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(html).not.toMatch(/<img|<script|<b>/);
  });

  it('never reflects a hostile site value', async () => {
    const hostile = '"><script>alert(1)</script>';

    const result = await page(`?site=${encodeURIComponent(hostile)}`);

    expectGenericPage(result);
    expect(result.html).not.toContain('<script');
    expect(result.html).not.toContain('alert(1)');
  });

  it('answers the generic page for an unknown site, a missing site, an empty or overlong one, and repeated ones', async () => {
    await givenSite('repeated.com');
    for (const query of ['?site=unknown.example', '', '?site=', `?site=${'a'.repeat(300)}.com`, '?site=repeated.com&site=repeated.com', '?site[x]=1']) {
      expectGenericPage(await page(query));
    }
  });
});

describe('GET /health', () => {
  it('answers 200 while the database answers', async () => {
    const response = await fetch(`${server.url}/health`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', database: 'ok' });
  });

  it('answers 503 when the database is gone, and the page still answers', async () => {
    const doomed = await createTestDatabase();
    const doomedServer = await startServer(serverEnv(doomed.url));
    try {
      await doomed.drop();

      const response = await fetch(`${doomedServer.url}/health`);

      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: 'error', database: 'unreachable' });
      const visitorPage = await fetch(`${doomedServer.url}/maintenance?site=shop.example.com`);
      expect(visitorPage.status).toBe(503);
      expect(await visitorPage.text()).toContain('This site is down for maintenance');
    } finally {
      expect(await doomedServer.stop()).toEqual({ code: null, signal: 'SIGTERM' });
    }
    expect(doomedServer.output()).toContain('the site lookup failed');
  });
});
