import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { MaintenanceLog } from '../../src/logs/maintenance-log.entity.js';
import { CloudflareSite } from '../../src/sites/cloudflare-site.entity.js';
import type { SyncReport } from '../../src/sites/site-sync.service.js';
import { FakeCloudflare, type FakeZone } from '../support/fake-cloudflare/index.js';
import { countQueries, type QueryCounter } from '../support/query-counter.js';
import { createTestContext, testEnv, type TestContext } from '../support/test-context.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const ACCOUNTS = [
  { id: 'a0000000000000000000000000000001', name: 'Account A', zones: 100 },
  { id: 'b0000000000000000000000000000002', name: 'Account B', zones: 60 },
  { id: 'c0000000000000000000000000000003', name: 'Account C', zones: 70 },
];
const [A, B, C] = ACCOUNTS.map((account) => account.id) as [string, string, string];
const FIRST_TOKEN = 'sync-first-token-0123456789abcdefghij';
const SECOND_TOKEN = 'sync-second-token-0123456789abcdefghi';
const ZONE_COUNT = 230;
// Per key: the non-empty pages it reads, each one SELECT, one INSERT and one UPDATE at most; then one
// statement for the whole run to mark vanished zones.
const ownStatementBound = (report: SyncReport) => 3 * report.pages + 1;
// Everything else per key is constant: key lookup, token, audit row start and completion, last_used_at.
const PER_KEY_OVERHEAD = 12;

let fake: FakeCloudflare;
let db: TestDatabase;
let ctx: TestContext;
let queries: QueryCounter;

function sites() {
  return db.dataSource.getRepository(CloudflareSite).find({ order: { domain: 'ASC' } });
}

function site(domain: string) {
  return db.dataSource.getRepository(CloudflareSite).findOneByOrFail({ domain });
}

function sync(options: { apiKeyName?: string; force?: boolean; dryRun?: boolean } = {}) {
  return ctx.siteSync.syncCloudflare({ actor: 'test:operator', ...options });
}

function zoneNamed(name: string): FakeZone {
  return fake.zones().find((zone) => zone.name === name)!;
}

beforeAll(async () => {
  fake = await FakeCloudflare.start();
  db = await createTestDatabase();
  ctx = await createTestContext(testEnv(db.url, fake.baseURL));
  queries = countQueries(ctx.app.get(DataSource));
  for (const account of ACCOUNTS) {
    const letter = account.name.slice(-1).toLowerCase();
    for (let index = 0; index < account.zones; index += 1) {
      fake.addZone({
        name: `${letter}-zone-${String(index).padStart(3, '0')}.com`,
        accountId: account.id,
        accountName: account.name,
        plan: index % 10 === 0 ? 'pro' : 'free',
      });
    }
  }
  // Two keys over three accounts, sharing account B.
  fake.addToken({ token: FIRST_TOKEN, accountIds: [A, B] });
  fake.addToken({ token: SECOND_TOKEN, accountIds: [B, C] });
  await ctx.apiKeys.add({ name: 'first', token: FIRST_TOKEN, makeDefault: true });
  await ctx.apiKeys.add({ name: 'second', token: SECOND_TOKEN });
});

afterEach(() => {
  fake.clearFaults();
  expect(fake.violations()).toEqual([]);
});

afterAll(async () => {
  await ctx?.close();
  await db?.drop();
  await fake?.stop();
});

describe('sync-cloudflare', () => {
  it('creates one site per zone of every key, across several pages, in a number of statements set by pages', async () => {
    queries.reset();
    const report = await sync();

    expect(report).toMatchObject({ created: ZONE_COUNT, updated: 0, unchanged: 0, deactivated: 0, failed: 0 });
    expect(report.keys).toEqual([
      expect.objectContaining({ apiKey: 'first', pages: 4, zones: 160, shared: 0, created: 160, complete: true }),
      expect.objectContaining({ apiKey: 'second', pages: 3, zones: 130, shared: 60, created: 70, complete: true }),
    ]);
    const stored = await sites();
    expect(stored).toHaveLength(ZONE_COUNT);
    expect(new Set(stored.map((row) => row.zoneId)).size).toBe(ZONE_COUNT);
    expect(stored.map((row) => row.domain).sort()).toEqual(fake.zones().map((zone) => zone.name).sort());

    const keys = Object.fromEntries((await ctx.apiKeys.list()).map((key) => [key.name, key]));
    const shared = await site('b-zone-000.com');
    expect(shared).toMatchObject({
      name: 'b-zone-000.com',
      apiKeyId: keys.first.id,
      accountId: B,
      zoneId: zoneNamed('b-zone-000.com').id,
      zoneStatus: 'active',
      zonePaused: false,
      zonePlan: 'Pro Website',
      pageRuleQuota: 20,
      includeSubdomains: true,
      subdomainList: [],
      maintenanceUrl: null,
      isActive: true,
    });
    expect(shared.lastSyncedAt).toBeInstanceOf(Date);
    expect((await site('c-zone-001.com')).apiKeyId).toBe(keys.second.id);
    expect(keys.first.lastUsedAt).toBeInstanceOf(Date);

    // 7 pages for 230 zones: 3 statements a page at most, whatever a page holds.
    expect(report.pages).toBe(7);
    expect(report.statements).toBeGreaterThan(0);
    expect(report.statements).toBeLessThanOrEqual(ownStatementBound(report));
    expect(queries.count).toBeLessThanOrEqual(ownStatementBound(report) + PER_KEY_OVERHEAD * report.keys.length);

    const audit = await db.dataSource.getRepository(MaintenanceLog).find({ where: { action: 'sync' }, order: { createdAt: 'ASC' } });
    expect(audit.map((log) => [log.siteId, log.domain, log.outcome, log.actor])).toEqual([
      [null, '*', 'success', 'test:operator'],
      [null, '*', 'success', 'test:operator'],
    ]);
    expect(audit[1].reason).toBe(
      'API key "second": 70 created, 0 updated, 0 unchanged, 0 deactivated, 0 failed, 60 left to an earlier key; 3 page(s)',
    );
  });

  it('changes nothing on a second run and only reads, at most one statement a page', async () => {
    const before = await db.snapshot();
    const report = await sync();

    expect(report).toMatchObject({ created: 0, updated: 0, unchanged: ZONE_COUNT, deactivated: 0, failed: 0, changes: [] });
    // A SELECT for each page but the second key's first (all its zones were the first key's), and one to find vanished zones.
    expect(report.statements).toBe(report.pages);
    expect((await db.snapshot()).cloudflare_sites).toEqual(before.cloudflare_sites);
  });

  it("keeps the operator's settings through a --force sync and updates only what Cloudflare owns", async () => {
    const repository = db.dataSource.getRepository(CloudflareSite);
    const edited = await site('a-zone-005.com');
    await repository.update(
      { id: edited.id },
      { name: 'Shop (production)', includeSubdomains: false, subdomainList: ['www', 'api'], maintenanceUrl: 'https://status.example.org/' },
    );
    const switchedOff = await site('a-zone-006.com');
    await repository.update({ id: switchedOff.id }, { isActive: false, inactiveReason: 'operator' });
    fake.updateZone(edited.zoneId!, { plan: 'business', pageRuleQuota: 50, paused: true });
    const startedAt = new Date();

    const report = await sync({ force: true });

    expect(report).toMatchObject({ created: 0, updated: 1, unchanged: ZONE_COUNT - 1, deactivated: 0, failed: 0 });
    expect(report.changes).toEqual([
      {
        action: 'update',
        domain: 'a-zone-005.com',
        apiKey: 'first',
        fields: [
          { field: 'zonePaused', from: false, to: true },
          { field: 'zonePlan', from: 'Free Website', to: 'Business Website' },
          { field: 'pageRuleQuota', from: 3, to: 50 },
        ],
      },
    ]);
    expect(await site('a-zone-005.com')).toMatchObject({
      name: 'Shop (production)',
      includeSubdomains: false,
      subdomainList: ['www', 'api'],
      maintenanceUrl: 'https://status.example.org/',
      zonePaused: true,
      zonePlan: 'Business Website',
      pageRuleQuota: 50,
    });
    expect(await site('a-zone-006.com')).toMatchObject({ isActive: false, inactiveReason: 'operator' });
    // --force rewrote every listed row, changed or not.
    expect((await sites()).every((row) => row.lastSyncedAt!.getTime() >= startedAt.getTime() - 1000)).toBe(true);
    expect(report.statements).toBeLessThanOrEqual(ownStatementBound(report));
  });

  it('marks a site inactive when its zone vanishes, says so, and brings it back when the zone returns', async () => {
    const gone = zoneNamed('c-zone-010.com');
    fake.removeZone(gone.id);

    const report = await sync();

    expect(report).toMatchObject({ created: 0, updated: 0, deactivated: 1, failed: 0 });
    expect(report.changes).toEqual([
      { action: 'deactivate', domain: 'c-zone-010.com', apiKey: 'second', fields: [{ field: 'isActive', from: true, to: false }] },
    ]);
    expect(report.keys[1].deactivated).toBe(1);
    expect(await site('c-zone-010.com')).toMatchObject({ isActive: false, inactiveReason: 'zone_missing', zoneId: gone.id });
    expect(await db.dataSource.getRepository(CloudflareSite).count()).toBe(ZONE_COUNT);

    const back = fake.addZone({ name: 'c-zone-010.com', accountId: C, accountName: 'Account C', plan: 'pro' });
    const again = await sync();

    expect(again).toMatchObject({ created: 0, updated: 1, deactivated: 0 });
    expect(again.changes[0].fields).toEqual([
      { field: 'zoneId', from: gone.id, to: back.id },
      { field: 'isActive', from: false, to: true },
    ]);
    expect(await site('c-zone-010.com')).toMatchObject({ isActive: true, inactiveReason: null, zoneId: back.id });
  });

  it('writes nothing on --dry-run and reports exactly what a real run would change', async () => {
    fake.addZone({ name: 'new-zone.com', accountId: A, accountName: 'Account A' });
    fake.removeZone(zoneNamed('a-zone-020.com').id);
    fake.updateZone(zoneNamed('b-zone-030.com').id, { status: 'pending' });
    const before = await db.snapshot();
    const requestsBefore = fake.exchanges.length;

    const dry = await sync({ dryRun: true });

    expect(await db.snapshot()).toEqual(before);
    expect(fake.exchanges.slice(requestsBefore).every((exchange) => exchange.method === 'GET')).toBe(true);
    const summary = (report: SyncReport) =>
      report.changes.map((change) => [change.action, change.domain, change.fields.map((field) => field.field).join()]);
    expect(summary(dry)).toEqual([
      ['update', 'b-zone-030.com', 'zoneStatus'],
      ['create', 'new-zone.com', 'zoneId,accountId,zoneStatus,zonePaused,zonePlan,pageRuleQuota'],
      ['deactivate', 'a-zone-020.com', 'isActive'],
    ]);
    expect(dry).toMatchObject({ dryRun: true, created: 1, updated: 1, deactivated: 1, failed: 0 });
    expect(dry.statements).toBeLessThanOrEqual(dry.pages + 1);

    const real = await sync();
    expect(summary(real)).toEqual(summary(dry));
    expect(await site('new-zone.com')).toMatchObject({ isActive: true, includeSubdomains: true, accountId: A });
    expect(await site('b-zone-030.com')).toMatchObject({ zoneStatus: 'pending' });
    expect(await site('a-zone-020.com')).toMatchObject({ isActive: false, inactiveReason: 'zone_missing' });
  });

  it('carries on past a zone it cannot take, and reports it as failed', async () => {
    // A zone name Cloudflare's schema allows but no registered domain has (a TLD with a digit).
    fake.addZone({ name: 'weird.c0m', accountId: A, accountName: 'Account A' });
    fake.addZone({ name: 'after-weird.com', accountId: A, accountName: 'Account A' });

    const report = await sync({ apiKeyName: 'first' });

    expect(report).toMatchObject({ created: 1, failed: 1 });
    expect(report.failures).toEqual([{ zone: 'weird.c0m', apiKey: 'first', message: expect.stringMatching(/^Invalid domain "weird\.c0m"/) }]);
    expect(await site('after-weird.com')).toMatchObject({ isActive: true });
    const [log] = await db.dataSource.getRepository(MaintenanceLog).find({ where: { action: 'sync' }, order: { createdAt: 'DESC' }, take: 1 });
    expect(log).toMatchObject({ outcome: 'failed', errorMessage: expect.stringContaining('weird.c0m: Invalid domain') });
  });

  it('marks nothing vanished for a key whose listing broke off, and still syncs the other key', async () => {
    fake.removeZone(zoneNamed('a-zone-030.com').id);
    fake.addZone({ name: 'c-late.com', accountId: C, accountName: 'Account C' });
    // The first key's second page is refused (named by its query: the pages after the first are asked for
    // together); Cloudflare's 403 is not retried.
    fake.injectFault({ method: 'GET', path: '/zones', query: { page: '2' }, times: 1, fault: { status: 403, code: 10000, message: 'Authentication error' } });

    const report = await sync();

    expect(report.keys[0]).toMatchObject({ apiKey: 'first', complete: false, deactivated: 0, error: expect.stringMatching(/list zones \(page 2\).*Authentication error/) });
    expect(report.keys[1]).toMatchObject({ apiKey: 'second', complete: true, created: 1 });
    expect(await site('a-zone-030.com')).toMatchObject({ isActive: true });
    expect(await site('c-late.com')).toMatchObject({ isActive: true });

    const next = await sync();
    expect(next.changes.filter((change) => change.action === 'deactivate').map((change) => change.domain)).toEqual(['a-zone-030.com']);
  });

  it('refuses an unknown or deactivated key before calling Cloudflare', async () => {
    const token = 'sync-third-token-0123456789abcdefghij';
    fake.addToken({ token, accountIds: [C] });
    await ctx.apiKeys.add({ name: 'third', token });
    await ctx.apiKeys.deactivate('third');
    const requestsBefore = fake.exchanges.length;

    await expect(sync({ apiKeyName: 'nosuch' })).rejects.toThrow(/Unknown API key "nosuch"/);
    await expect(sync({ apiKeyName: 'third' })).rejects.toThrow(/API key "third" is deactivated/);
    expect(fake.exchanges.length).toBe(requestsBefore);
  });
});

describe('syncSite', () => {
  it("refreshes one site's zone facts and audits it", async () => {
    const target = await site('c-zone-040.com');
    fake.updateZone(target.zoneId!, { paused: true });

    const result = await ctx.siteSync.syncSite(target, 'test:bulk');

    expect(result).toMatchObject({ domain: 'c-zone-040.com', outcome: 'updated', changes: [{ field: 'zonePaused', from: false, to: true }] });
    expect(result.site.zonePaused).toBe(true);
    const logs = await ctx.logs.recent({ siteId: target.id });
    expect(logs).toEqual([expect.objectContaining({ action: 'sync', outcome: 'success', actor: 'test:bulk', reason: 'zonePaused: false → true' })]);

    expect((await ctx.siteSync.syncSite(result.site)).outcome).toBe('unchanged');
  });

  it('marks the site inactive when its zone is gone', async () => {
    const target = await site('c-zone-041.com');
    fake.removeZone(target.zoneId!);

    const result = await ctx.siteSync.syncSite(target);

    expect(result.outcome).toBe('deactivated');
    expect(result.site).toMatchObject({ isActive: false, inactiveReason: 'zone_missing' });
  });
});
