import { beforeAll, describe, expect, it } from '@jest/globals';
import { CloudflareSite } from '../../src/sites/cloudflare-site.entity.js';
import { MaintenanceLog } from '../../src/logs/maintenance-log.entity.js';
import type { BulkReport } from '../../src/maintenance/bulk-operations.service.js';
import type { FakeCloudflare } from '../support/fake-cloudflare/index.js';
import { givenSite } from '../support/scenario.js';
import { serviceSuite } from '../support/service-suite.js';
import { createTestContext, testEnv, type TestContext } from '../support/test-context.js';
import type { TestDatabase } from '../support/test-database.js';

const suite = serviceSuite();
let fake: FakeCloudflare;
let db: TestDatabase;
let ctx: TestContext;
beforeAll(() => {
  ({ fake, db, ctx } = suite);
});

const forbidden = { status: 403, code: 10000, message: 'Authentication error' };

function siteRows(domains: string[]) {
  return db.dataSource.getRepository(CloudflareSite).find({ where: domains.map((domain) => ({ domain })), order: { domain: 'ASC' } });
}

/** A second API key with its own token and `count` sites, so that a scenario has a budget of its own. */
async function givenKeyWithSites(name: string, count: number) {
  const token = `cf-${name}-token-0123456789abcdef0123`;
  fake.addToken({ token });
  await ctx.apiKeys.add({ name, token });
  const zones = [];
  for (let i = 0; i < count; i += 1) zones.push((await givenSite(ctx, fake, `${name}-${i}.com`, { apiKeyName: name })).zone);
  return zones;
}

function outcomes(report: BulkReport): Record<string, string> {
  return Object.fromEntries(report.results.map((result) => [result.domain, result.outcome]));
}

describe('bulk enable', () => {
  it('puts 55 of 60 sites into maintenance and reports the 5 whose zones fail, leaving nothing in their zones', async () => {
    const domains = Array.from({ length: 60 }, (_, i) => `fleet-${String(i).padStart(2, '0')}.com`);
    const quota = new Set(['fleet-07.com', 'fleet-23.com']);
    const zones = new Map<string, string>();
    for (const domain of domains) {
      // Four rules (apex + three subdomains) do not fit a free zone's three.
      const options = quota.has(domain) ? { plan: 'free' as const, subdomains: 'www,api,shop' } : {};
      zones.set(domain, (await givenSite(ctx, fake, domain, options)).zone.id);
    }
    fake.injectFault({ method: 'GET', path: `/zones/${zones.get('fleet-11.com')}`, times: Infinity, fault: forbidden });
    fake.injectFault({ method: 'POST', path: `/zones/${zones.get('fleet-38.com')}/pagerules`, times: Infinity, fault: forbidden });
    fake.injectFault({ path: new RegExp(`^/zones/${zones.get('fleet-52.com')}(/|$)`), times: Infinity, fault: 'reset' });
    const failing = ['fleet-07.com', 'fleet-11.com', 'fleet-23.com', 'fleet-38.com', 'fleet-52.com'];
    const progress: string[] = [];

    const report = await ctx.bulk.run('enable', await ctx.selection.select({ domains }), {
      actor: 'test:bulk-60',
      reason: 'fleet upgrade',
      onProgress: (result) => progress.push(result.domain),
    });

    expect(report.counts).toEqual({ total: 60, done: 55, skipped: 0, failed: 5 });
    expect(report.results.map((result) => result.domain)).toEqual(domains);
    expect(progress.sort()).toEqual(domains);
    const failed = Object.fromEntries(report.results.filter((result) => result.outcome === 'failed').map((result) => [result.domain, result]));
    expect(Object.keys(failed).sort()).toEqual(failing);
    for (const domain of quota) {
      expect(failed[domain]).toMatchObject({ errorCode: 'quota', message: expect.stringMatching(/needs 4 new Page Rule\(s\) but the zone has 3 free/) });
    }
    for (const domain of ['fleet-11.com', 'fleet-38.com']) {
      expect(failed[domain]).toMatchObject({ errorCode: '10000', message: expect.stringMatching(/Authentication error \(code 10000\) \(HTTP 403\)/) });
    }
    expect(failed['fleet-52.com'].message).toMatch(/Could not reach Cloudflare to (read zone|list the Page Rules)/);

    for (const site of await siteRows(domains)) {
      const rules = fake.pageRules(zones.get(site.domain)!);
      if (failing.includes(site.domain)) {
        expect([site.domain, site.maintenanceState, rules]).toEqual([site.domain, 'off', []]);
      } else {
        expect(site.maintenanceState).toBe('on');
        expect(site.maintenanceReason).toBe('fleet upgrade');
        expect(rules.map((rule) => [rule.id, rule.targetValue, rule.status])).toEqual([[site.maintenanceRules[0].id, `*${site.domain}/*`, 'active']]);
        expect(site.maintenanceRules).toHaveLength(1);
      }
    }
    const logs = await db.dataSource.getRepository(MaintenanceLog).findBy({ actor: 'test:bulk-60' });
    expect(logs).toHaveLength(60);
    expect(new Set(logs.map((log) => log.domain)).size).toBe(60);
    expect(logs.filter((log) => log.outcome === 'failed').map((log) => log.domain).sort()).toEqual(failing);
    expect(logs.every((log) => log.action === 'enable' && log.completedAt !== null)).toBe(true);
  });

  it('reports sites already in maintenance as skipped and changes nothing for them', async () => {
    const before = fake.exchanges.filter((exchange) => exchange.method === 'POST').length;

    const report = await ctx.bulk.run('enable', await ctx.selection.select({ domains: ['fleet-00.com', 'fleet-01.com'] }), { actor: 'test:again' });

    expect(outcomes(report)).toEqual({ 'fleet-00.com': 'skipped', 'fleet-01.com': 'skipped' });
    expect(fake.exchanges.filter((exchange) => exchange.method === 'POST').length).toBe(before);
  });

  it('completes without errors when the API answers 429 for a whole window', async () => {
    const zones = await givenKeyWithSites('burst', 12);
    // 36 requests against 30 per 2 s, and a client that believes it has Cloudflare's 1,200: the end of
    // the run meets 429s until the fake's window is over.
    fake.setRateLimit({ requests: 30, windowSeconds: 2 });
    const started = Date.now();

    const report = await ctx.bulk.run('enable', await ctx.selection.select({ apiKeyName: 'burst' }), { actor: 'test:burst' });

    expect(report.counts).toEqual({ total: 12, done: 12, skipped: 0, failed: 0 });
    expect(fake.count429()).toBeGreaterThan(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    for (const zone of zones) expect(fake.pageRules(zone.id)).toHaveLength(1);
  });

  it('stays under a budget it is told, without a single 429, taking as long as the budget demands', async () => {
    const zones = await givenKeyWithSites('budget', 10);
    const limit = { requests: 20, windowSeconds: 2 };
    const budgeted = await createTestContext(
      testEnv(db.url, fake.baseURL, {
        CLOUDFLARE_RATE_LIMIT_REQUESTS: String(limit.requests),
        CLOUDFLARE_RATE_LIMIT_WINDOW_SECONDS: String(limit.windowSeconds),
      }),
    );
    fake.setRateLimit(limit);
    const before = { requests: fake.exchanges.length, throttled: fake.count429() };
    const started = Date.now();
    try {
      const report = await budgeted.bulk.run('enable', await budgeted.selection.select({ apiKeyName: 'budget' }), { actor: 'test:budget' });
      const elapsed = Date.now() - started;

      expect(report.counts.done).toBe(10);
      const requests = fake.exchanges.length - before.requests;
      expect(requests).toBe(30);
      expect(fake.count429()).toBe(before.throttled);
      expect(elapsed).toBeGreaterThanOrEqual(Math.floor((requests - 1) / limit.requests) * limit.windowSeconds * 1000);
      for (const zone of zones) expect(fake.pageRules(zone.id)).toHaveLength(1);
    } finally {
      await budgeted.close();
    }
  });
});

describe('bulk disable', () => {
  it('takes every site of a key out of maintenance, skipping those not in it', async () => {
    await db.dataSource.query(`UPDATE cloudflare_sites SET maintenance_state = 'off', maintenance_rules = '[]' WHERE domain = 'burst-0.com'`);
    const zone0 = fake.zones().find((zone) => zone.name === 'burst-0.com')!;
    for (const rule of fake.pageRules(zone0.id)) fake.deletePageRuleDirectly(zone0.id, rule.id);

    const report = await ctx.bulk.run('disable', await ctx.selection.select({ apiKeyName: 'burst' }), { actor: 'test:disable', concurrency: 3 });

    expect(report.counts).toEqual({ total: 12, done: 11, skipped: 1, failed: 0 });
    expect(outcomes(report)['burst-0.com']).toBe('skipped');
    for (const zone of fake.zones().filter((z) => z.name.startsWith('burst-'))) expect(fake.pageRules(zone.id)).toEqual([]);
  });
});

describe('bulk sync', () => {
  it("refreshes each site's zone facts, skipping the sites already up to date", async () => {
    const zone = fake.zones().find((candidate) => candidate.name === 'fleet-02.com')!;
    fake.updateZone(zone.id, { plan: 'business', pageRuleQuota: 50 });

    const report = await ctx.bulk.run('sync', await ctx.selection.select({ domains: ['fleet-02.com', 'fleet-03.com'] }), { actor: 'test:sync' });

    expect(outcomes(report)).toEqual({ 'fleet-02.com': 'done', 'fleet-03.com': 'skipped' });
    expect(report.results[0].message).toMatch(/pageRuleQuota: 3 → 50/);
    const [synced] = await siteRows(['fleet-02.com']);
    expect(synced).toMatchObject({ pageRuleQuota: 50, maintenanceState: 'on' });
    expect(await db.dataSource.getRepository(MaintenanceLog).countBy({ actor: 'test:sync', action: 'sync' })).toBe(2);
  });
});

describe('dry run', () => {
  it('shows the plan from the stored state and neither writes nor calls Cloudflare', async () => {
    await givenSite(ctx, fake, 'dry-off.com');
    await givenSite(ctx, fake, 'dry-inactive.com');
    await givenSite(ctx, fake, 'dry-subs.com', { subdomains: 'www' });
    await db.dataSource.query(`UPDATE cloudflare_sites SET is_active = false WHERE domain = 'dry-inactive.com'`);
    const sites = await ctx.selection.select({ domains: ['dry-off.com', 'dry-inactive.com', 'dry-subs.com', 'fleet-00.com', 'fleet-07.com'] });
    const before = await db.snapshot();
    const exchanges = fake.exchanges.length;

    const report = await ctx.bulk.run('enable', sites, { actor: 'test:dry', dryRun: true });

    expect(await db.snapshot()).toEqual(before);
    expect(fake.exchanges.length).toBe(exchanges);
    expect(report.dryRun).toBe(true);
    expect(outcomes(report)).toEqual({
      'dry-inactive.com': 'failed',
      'dry-off.com': 'done',
      'dry-subs.com': 'done',
      'fleet-00.com': 'skipped',
      'fleet-07.com': 'done',
    });
    const messages = Object.fromEntries(report.results.map((result) => [result.domain, result.message]));
    expect(messages['dry-subs.com']).toMatch(/would enable maintenance: create dry-subs\.com\/\*, www\.dry-subs\.com\/\* forwarding to https:/);
    expect(messages['dry-inactive.com']).toMatch(/would fail: it is marked inactive/);
    expect(messages['fleet-00.com']).toMatch(/already in maintenance/);

    const disable = await ctx.bulk.run('disable', sites, { actor: 'test:dry', dryRun: true });
    expect(outcomes(disable)['fleet-00.com']).toBe('done');
    expect(outcomes(disable)['dry-off.com']).toBe('skipped');
    expect(await db.snapshot()).toEqual(before);
  });
});

describe('site selection', () => {
  it('combines the criteria with AND', async () => {
    const inMaintenance = await ctx.selection.select({ domains: ['fleet-00.com', 'fleet-07.com', 'dry-inactive.com'], inMaintenance: true });
    expect(inMaintenance.map((site) => site.domain)).toEqual(['fleet-00.com']);
    const inactive = await ctx.selection.select({ all: true, active: false });
    expect(inactive.map((site) => site.domain)).toEqual(['dry-inactive.com']);
    expect(await ctx.selection.select({ apiKeyName: 'budget', inMaintenance: false })).toEqual([]);
    expect((await ctx.selection.select({ all: true })).length).toBe(60 + 12 + 10 + 3);
  });

  it('names every unknown and every invalid domain at once, and refuses an empty selection', async () => {
    await expect(ctx.selection.select({ domains: ['fleet-00.com', 'nope-1.com', 'NOPE-2.com'] })).rejects.toThrow(
      /^Unknown sites nope-1\.com, nope-2\.com\./,
    );
    await expect(ctx.selection.select({ domains: ['bad domain', 'also_bad.com'] })).rejects.toThrow(
      /Invalid domain "bad domain".*\nInvalid domain "also_bad\.com"/s,
    );
    await expect(ctx.selection.select({})).rejects.toThrow(/name one or more domains, or select sites with --all/);
    await expect(ctx.selection.select({ apiKeyName: 'nosuch' })).rejects.toThrow(/Unknown API key "nosuch"/);
  });
});
