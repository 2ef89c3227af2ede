import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { MaintenanceLog } from '../../src/logs/maintenance-log.entity.js';
import { CloudflareSite } from '../../src/sites/cloudflare-site.entity.js';
import type { SyncReport } from '../../src/sites/site-sync.service.js';
import { FakeCloudflare } from '../support/fake-cloudflare/index.js';
import { countQueries, type QueryCounter } from '../support/query-counter.js';
import { createTestContext, testEnv, type TestContext } from '../support/test-context.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

// One key over two accounts: 430 zones, 9 pages of 50 and the empty 10th.
const A = 'a0000000000000000000000000000001';
const B = 'b0000000000000000000000000000002';
const TOKEN = 'sync-pages-token-0123456789abcdefghij';
const PAGES = 9;

/** Two worlds on one fake Cloudflare: the same sync read page after page, and eight pages at a time. */
interface World {
  db: TestDatabase;
  ctx: TestContext;
  queries: QueryCounter;
}

let fake: FakeCloudflare;
let sequential: World;
let parallel: World;

async function world(pageConcurrency: number): Promise<World> {
  const db = await createTestDatabase();
  const ctx = await createTestContext(testEnv(db.url, fake.baseURL, { SYNC_PAGE_CONCURRENCY: String(pageConcurrency) }));
  await ctx.apiKeys.add({ name: 'main', token: TOKEN, makeDefault: true });
  return { db, ctx, queries: countQueries(ctx.app.get(DataSource)) };
}

function sync(on: World, options: { dryRun?: boolean } = {}): Promise<SyncReport> {
  return on.ctx.siteSync.syncCloudflare({ actor: 'test:operator', ...options });
}

/** Everything a run decides, without what differs between two databases or two runs (ids, times). */
function decided(report: SyncReport) {
  const { durationMs: _durationMs, ...rest } = report;
  return rest;
}

async function stored(on: World) {
  const rows = await on.db.dataSource.getRepository(CloudflareSite).find({ order: { domain: 'ASC' } });
  return rows.map(({ domain, name, zoneId, accountId, zoneStatus, zonePaused, zonePlan, pageRuleQuota, isActive, inactiveReason, includeSubdomains }) => ({
    domain,
    name,
    zoneId,
    accountId,
    zoneStatus,
    zonePaused,
    zonePlan,
    pageRuleQuota,
    isActive,
    inactiveReason,
    includeSubdomains,
  }));
}

async function auditReasons(on: World) {
  const rows = await on.db.dataSource.getRepository(MaintenanceLog).find({ where: { action: 'sync' }, order: { createdAt: 'ASC' } });
  return rows.map((row) => [row.outcome, row.reason]);
}

function zoneNamed(name: string) {
  return fake.zones().find((zone) => zone.name === name)!;
}

/** The zones' names in the order Cloudflare lists them (by name). */
function listedNames(): string[] {
  return fake
    .zones()
    .filter((zone) => zone.status !== 'deleted')
    .map((zone) => zone.name)
    .sort((a, b) => a.localeCompare(b));
}

function pageOf(query: URLSearchParams): number | undefined {
  return query.get('name') === null && query.has('page') ? Number(query.get('page')) : undefined;
}

function zoneListRequests(since: number) {
  return fake.exchanges.slice(since).filter((exchange) => exchange.path === '/zones' && exchange.query.name === undefined);
}

beforeAll(async () => {
  fake = await FakeCloudflare.start();
  for (let index = 0; index < 430; index += 1) {
    const [account, name] = index < 250 ? [A, 'Account A'] : [B, 'Account B'];
    fake.addZone({ name: `zone-${String(index).padStart(3, '0')}.com`, accountId: account, accountName: name, plan: index % 9 === 0 ? 'pro' : 'free' });
  }
  fake.addToken({ token: TOKEN, accountIds: [A, B] });
  sequential = await world(1);
  parallel = await world(8);
});

afterEach(() => {
  fake.clearFaults();
  expect(fake.violations()).toEqual([]);
});

afterAll(async () => {
  for (const opened of [sequential, parallel]) {
    await opened?.ctx.close();
    await opened?.db.drop();
  }
  await fake?.stop();
});

describe('sync-cloudflare over many pages, read in parallel', () => {
  it('gives exactly what a page-after-page sync gives, even with the pages answered in reverse order', async () => {
    sequential.queries.reset();
    const expected = await sync(sequential);
    // Pages 2 to 9 are asked for together; each is answered only once the next one has been: page 2 last.
    const answeredNext = new Map<number, () => void>();
    const nextAnswered = new Map(
      Array.from({ length: PAGES - 2 }, (_, index) => [index + 2, new Promise<void>((resolve) => answeredNext.set(index + 2, resolve))]),
    );
    fake.intercept(async ({ query }) => {
      const page = pageOf(query);
      if (page === undefined || page < 2 || page > PAGES) return;
      if (page < PAGES) {
        await nextAnswered.get(page);
        // Let the next page's answer go out first.
        await new Promise((resolve) => setImmediate(resolve));
      }
      answeredNext.get(page - 1)?.();
    });
    const requestsBefore = fake.exchanges.length;
    parallel.queries.reset();
    const report = await sync(parallel);

    const answered = zoneListRequests(requestsBefore).map((exchange) => Number(exchange.query.page));
    expect(answered[0]).toBe(1);
    expect(answered.filter((page) => page > 1 && page <= PAGES)).toEqual([9, 8, 7, 6, 5, 4, 3, 2]);
    expect([...answered].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

    expect(expected).toMatchObject({ created: 430, failed: 0, pages: PAGES });
    expect(decided(report)).toEqual(decided(expected));
    expect(report.changes.map((change) => change.domain)).toEqual(listedNames());
    expect(await stored(parallel)).toEqual(await stored(sequential));
    expect(await auditReasons(parallel)).toEqual(await auditReasons(sequential));
    // Per page one SELECT and one INSERT, and one statement for vanished zones: set by pages, not by zones.
    expect(report.statements).toBe(2 * PAGES + 1);
    expect(parallel.queries.count).toBe(sequential.queries.count);
    // Everything else: one budget statement per request, and a fixed dozen for the key, its audit row and last use.
    expect(parallel.queries.count).toBeLessThanOrEqual(report.statements + (PAGES + 1) + 12);
  });

  it('stays the same as sequential for updates, new zones and vanished zones, dry run included', async () => {
    fake.updateZone(zoneNamed('zone-120.com').id, { paused: true });
    fake.removeZone(zoneNamed('zone-300.com').id);
    fake.removeZone(zoneNamed('zone-001.com').id);
    fake.addZone({ name: 'zone-999.com', accountId: B, accountName: 'Account B' });

    for (const dryRun of [true, false]) {
      const expected = await sync(sequential, { dryRun });
      const report = await sync(parallel, { dryRun });
      expect(decided(report)).toEqual(decided(expected));
      expect(report.changes.map((change) => [change.action, change.domain])).toEqual([
        ['update', 'zone-120.com'],
        ['create', 'zone-999.com'],
        ['deactivate', 'zone-001.com'],
        ['deactivate', 'zone-300.com'],
      ]);
    }
    expect(await stored(parallel)).toEqual(await stored(sequential));
    expect((await stored(parallel)).filter((site) => !site.isActive).map((site) => site.domain)).toEqual(['zone-001.com', 'zone-300.com']);
  });

  it('marks no site vanished when a page fails half-way, requests no page after the failure, and says which page failed', async () => {
    fake.removeZone(zoneNamed('zone-010.com').id);
    const inactiveBefore = (await stored(parallel)).filter((site) => !site.isActive).length;
    // Page 5 is refused (a 403 is not retried); the other pages are answered only after it.
    let refuse!: () => void;
    const refused = new Promise<void>((resolve) => (refuse = resolve));
    fake.intercept(async ({ query }) => {
      const page = pageOf(query);
      if (page === 5) {
        refuse();
        return { status: 403, code: 10000, message: 'Authentication error' };
      }
      if (page !== undefined && page > 1) {
        await refused;
        await sleep(50);
      }
    });
    const requestsBefore = fake.exchanges.length;

    const report = await sync(parallel);

    expect(report.keys[0]).toMatchObject({
      complete: false,
      deactivated: 0,
      error: expect.stringMatching(/list zones \(page 5\).*Authentication error/),
    });
    expect(report.deactivated).toBe(0);
    expect((await stored(parallel)).filter((site) => !site.isActive)).toHaveLength(inactiveBefore);
    // Pages 2 to 9 were in flight together; the empty 10th, which would have completed the listing, was never asked for.
    const pages = zoneListRequests(requestsBefore).map((exchange) => Number(exchange.query.page));
    expect(pages.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const [log] = await parallel.db.dataSource.getRepository(MaintenanceLog).find({ where: { action: 'sync', domain: '*' }, order: { createdAt: 'DESC' }, take: 1 });
    expect(log).toMatchObject({ outcome: 'failed', errorMessage: expect.stringMatching(/page 5/), reason: expect.stringContaining('listing incomplete') });

    fake.clearFaults();
    const next = await sync(parallel);
    expect(next.changes.filter((change) => change.action === 'deactivate').map((change) => change.domain)).toEqual(['zone-010.com']);
  });

  it('does not take a zone that slipped between two pages for vanished: it looks it up by name first', async () => {
    const names = listedNames();
    // Deleted once page 1 was read: every later zone moves up one place, so the first zone of page 2 moves onto
    // page 1, which was already read, and no page lists it.
    const deleted = names[10];
    const slipped = names[50];
    fake.intercept(onceFromPage2(() => fake.removeZone(zoneNamed(deleted).id)));
    const requestsBefore = fake.exchanges.length;

    const report = await sync(parallel);

    const page2 = namesOnPage(requestsBefore, 2);
    expect(page2[0]).toBe(names[51]);
    expect(page2).not.toContain(slipped);
    expect(lookedUp(requestsBefore)).toEqual([slipped]);
    expect(report).toMatchObject({ failed: 0, deactivated: 0, changes: [] });
    expect(report.keys[0]).toMatchObject({ complete: true, error: null, zones: names.length });
    expect(await siteIn(parallel, slipped)).toMatchObject({ isActive: true, zoneId: zoneNamed(slipped).id });

    // The deleted zone was listed on page 1 before it went; the next run sees it gone.
    const next = await sync(parallel);
    expect(next.changes.map((change) => [change.action, change.domain])).toEqual([['deactivate', deleted]]);
  });

  it('lists a zone that two pages show once, when a zone is added while the pages are read', async () => {
    const names = listedNames();
    // Added once page 1 was read, ahead of every other zone: the last zone of page 1 is on page 2 as well.
    fake.intercept(onceFromPage2(() => fake.addZone({ name: 'aaa-early.com', accountId: A, accountName: 'Account A' })));
    const requestsBefore = fake.exchanges.length;

    const report = await sync(parallel);

    expect(namesOnPage(requestsBefore, 2)[0]).toBe(names[49]);
    expect(report).toMatchObject({ failed: 0, created: 0, updated: 0, deactivated: 0, unchanged: names.length });
    expect(report.keys[0]).toMatchObject({ complete: true, error: null, zones: names.length, shared: 0 });
    expect(lookedUp(requestsBefore)).toEqual([]);

    const next = await sync(parallel);
    expect(next.changes.map((change) => [change.action, change.domain])).toEqual([['create', 'aaa-early.com']]);
  });
});

/** An interceptor that runs `change` once, at the first request for a page after the first. */
function onceFromPage2(change: () => void) {
  let done = false;
  return ({ query }: { query: URLSearchParams }) => {
    const page = pageOf(query);
    if (done || page === undefined || page < 2) return;
    done = true;
    change();
  };
}

function namesOnPage(since: number, page: number): string[] {
  const exchange = zoneListRequests(since).find((candidate) => candidate.query.page === String(page))!;
  return (exchange.responseBody as { result: { name: string }[] }).result.map((zone) => zone.name);
}

/** The zones looked up by name since then. */
function lookedUp(since: number): string[] {
  return fake.exchanges
    .slice(since)
    .filter((exchange) => exchange.path === '/zones' && exchange.query.name !== undefined)
    .map((exchange) => exchange.query.name)
    .sort();
}

function siteIn(on: World, domain: string): Promise<CloudflareSite> {
  return on.db.dataSource.getRepository(CloudflareSite).findOneByOrFail({ domain });
}
