import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { hostname } from 'node:os';
import { MaintenanceLog } from '../../src/logs/maintenance-log.entity.js';
import { CloudflareSite } from '../../src/sites/cloudflare-site.entity.js';
import { FakeCloudflare } from '../support/fake-cloudflare/index.js';
import { forwardingAction, givenDefaultKey, givenSite } from '../support/scenario.js';
import { createTestContext, TEST_PUBLIC_URL, testEnv, type TestContext } from '../support/test-context.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let fake: FakeCloudflare;
let db: TestDatabase;
let ctx: TestContext;
const actor = 'test:operator';
// A process of this host that cannot exist: Linux pids stop at 4194304 (pid_max).
const DEAD_OWNER = `${hostname()}:4194305:`;

beforeAll(async () => {
  fake = await FakeCloudflare.start();
  db = await createTestDatabase();
  ctx = await createTestContext(testEnv(db.url, fake.baseURL));
  await givenDefaultKey(ctx, fake);
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

const sites = () => db.dataSource.getRepository(CloudflareSite);
const siteRow = (id: string) => sites().findOneByOrFail({ id });
const logsOf = (siteId: string) =>
  db.dataSource.getRepository(MaintenanceLog).find({ where: { siteId }, order: { createdAt: 'ASC' } });
const userRule = { id: 'cache_level', value: 'cache_everything' };

describe('live status and reconcile', () => {
  it('names a rule deleted by hand, and reconcile re-creates it', async () => {
    const { zone, site } = await givenSite(ctx, fake, 'deleted-by-hand.com');
    fake.addPageRule(zone.id, { targetValue: 'deleted-by-hand.com/blog/*', actions: [userRule], priority: 1 });
    await ctx.maintenance.enableMaintenance(site, 'upgrade', actor);
    const [ours] = (await siteRow(site.id)).maintenanceRules;
    fake.deletePageRuleDirectly(zone.id, ours!.id);

    const live = await ctx.reconcile.inspect(site);
    expect(live.drift).toEqual([expect.objectContaining({ kind: 'rule_missing', ruleId: ours!.id })]);

    const result = await ctx.reconcile.reconcile(site, { actor });

    expect(result).toMatchObject({ outcome: 'repaired', repair: 'recreate' });
    const rules = fake.pageRules(zone.id);
    const recreated = rules.find((rule) => rule.targets[0]!.constraint.value === '*deleted-by-hand.com/*');
    expect(recreated).toMatchObject({ status: 'active', actions: [forwardingAction(`${TEST_PUBLIC_URL}/maintenance?site=deleted-by-hand.com`)] });
    expect(fake.winningRule(zone.id, 'https://deleted-by-hand.com/blog/x')?.id).toBe(recreated!.id);
    const stored = await siteRow(site.id);
    expect(stored).toMatchObject({ maintenanceState: 'on', maintenanceReason: 'upgrade' });
    expect(stored.maintenanceRules.map((rule) => rule.id)).toEqual([recreated!.id]);
    expect((await ctx.reconcile.inspect(site)).drift).toEqual([]);
    const audit = (await logsOf(site.id)).at(-1)!;
    expect(audit).toMatchObject({ action: 'reconcile', outcome: 'success', ruleIds: [recreated!.id] });
    expect(audit.reason).toMatch(/re-create the missing rules.*deleted by hand/);
  });

  it('marks an inactive site out of maintenance instead of re-creating its rules, and says why', async () => {
    const { zone, site } = await givenSite(ctx, fake, 'inactive-now.com', { plan: 'pro', subdomains: 'www' });
    await ctx.maintenance.enableMaintenance(site, null, actor);
    const [first] = (await siteRow(site.id)).maintenanceRules;
    fake.deletePageRuleDirectly(zone.id, first!.id);
    await sites().update({ id: site.id }, { isActive: false, inactiveReason: 'zone_missing' });

    const result = await ctx.reconcile.reconcile(site, { actor });

    expect(result).toMatchObject({ outcome: 'repaired', repair: 'mark_out' });
    expect(result.message).toMatch(/because the site is marked inactive/);
    expect(fake.pageRules(zone.id)).toEqual([]);
    expect((await siteRow(site.id)).maintenanceState).toBe('off');
  });

  it("removes our rules left in a zone of a site out of maintenance, and never a user's rule", async () => {
    const { zone, site } = await givenSite(ctx, fake, 'leftovers.com');
    const user = fake.addPageRule(zone.id, {
      targetValue: 'leftovers.com/*',
      actions: [forwardingAction('https://elsewhere.example.org/')],
      priority: 2,
    });
    fake.addPageRule(zone.id, {
      targetValue: '*leftovers.com/*',
      actions: [forwardingAction(`${TEST_PUBLIC_URL}/maintenance?site=leftovers.com`)],
      priority: 3,
    });

    expect((await ctx.reconcile.inspect(site)).drift).toEqual([expect.objectContaining({ kind: 'rule_orphaned' })]);
    const dry = await ctx.reconcile.reconcile(site, { actor, dryRun: true });
    expect(dry).toMatchObject({ outcome: 'would_repair', repair: 'remove_orphans' });
    expect(fake.pageRules(zone.id)).toHaveLength(2);

    const result = await ctx.reconcile.reconcile(site, { actor });

    expect(result).toMatchObject({ outcome: 'repaired', repair: 'remove_orphans' });
    expect(fake.pageRules(zone.id)).toEqual([user]);
  });

  it('finishes an operation whose process died and closes its pending audit row as interrupted', async () => {
    const { zone, site } = await givenSite(ctx, fake, 'crashed.com');
    const orphan = fake.addPageRule(zone.id, {
      targetValue: '*crashed.com/*',
      actions: [forwardingAction(`${TEST_PUBLIC_URL}/maintenance?site=crashed.com`)],
      priority: 1,
    });
    await sites().update({ id: site.id }, {
      maintenanceState: 'enabling',
      claimedBy: DEAD_OWNER,
      maintenanceRules: [{ id: orphan.id, target: '*crashed.com/*' }],
    });
    const pending = await db.dataSource.getRepository(MaintenanceLog).save({
      siteId: site.id, domain: 'crashed.com', action: 'enable', outcome: 'pending', actor, owner: DEAD_OWNER,
    });

    expect((await ctx.reconcile.inspect(site)).drift).toEqual([expect.objectContaining({ kind: 'interrupted' })]);
    const result = await ctx.reconcile.reconcile(site, { actor });
    const closed = await ctx.reconcile.closeInterruptedLogs([site.id]);

    expect(result).toMatchObject({ outcome: 'repaired', repair: 'clean_out' });
    expect(fake.pageRules(zone.id)).toEqual([]);
    expect(await siteRow(site.id)).toMatchObject({ maintenanceState: 'off', maintenanceRules: [], claimedBy: null });
    expect(closed).toBe(1);
    const row = await db.dataSource.getRepository(MaintenanceLog).findOneByOrFail({ id: pending.id });
    expect(row).toMatchObject({ outcome: 'failed', errorCode: 'interrupted' });
    expect(row.completedAt).not.toBeNull();
  });

  it('leaves a site alone while a living process holds it', async () => {
    const { zone, site } = await givenSite(ctx, fake, 'busy.com');
    await sites().update({ id: site.id }, { maintenanceState: 'enabling', claimedBy: `${hostname()}:${process.pid}:` });

    const result = await ctx.reconcile.reconcile(site, { actor });

    expect(result.outcome).toBe('busy');
    expect(fake.pageRules(zone.id)).toEqual([]);
    expect((await siteRow(site.id)).maintenanceState).toBe('enabling');
    await sites().update({ id: site.id }, { maintenanceState: 'off', claimedBy: null });
  });
});

describe('site settings', () => {
  it('re-applies the rules of a site in maintenance when its subdomains change: new rules first, then the old removed', async () => {
    const { zone, site } = await givenSite(ctx, fake, 'resettle.com', { plan: 'pro' });
    await ctx.maintenance.enableMaintenance(site, null, actor);
    const before = (await siteRow(site.id)).maintenanceRules;

    const result = await ctx.siteSettings.update(await siteRow(site.id), { subdomains: 'www' }, actor);

    expect(result).toMatchObject({ rulesReapplied: true, changed: ['subdomains'] });
    const targets = fake.pageRules(zone.id).map((rule) => rule.targets[0]!.constraint.value).sort();
    expect(targets).toEqual(['resettle.com/*', 'www.resettle.com/*']);
    const stored = await siteRow(site.id);
    expect(stored).toMatchObject({ maintenanceState: 'on', includeSubdomains: false, subdomainList: ['www'] });
    expect(stored.maintenanceRules.map((rule) => rule.target).sort()).toEqual(targets);
    expect(stored.maintenanceRules.some((rule) => rule.id === before[0]!.id)).toBe(false);
    const order = fake.exchanges.filter((exchange) => exchange.path.startsWith(`/zones/${zone.id}/pagerules`) && exchange.method !== 'GET').slice(-3);
    expect(order.map((exchange) => exchange.method)).toEqual(['POST', 'POST', 'DELETE']);
  });

  it('refuses a change the zone has no room for and leaves rules and settings as they were', async () => {
    const { zone, site } = await givenSite(ctx, fake, 'no-room.com', { plan: 'free' });
    fake.addPageRule(zone.id, { targetValue: 'no-room.com/a/*', actions: [userRule], priority: 1 });
    await ctx.maintenance.enableMaintenance(site, null, actor);
    const rulesBefore = fake.pageRules(zone.id);

    await expect(ctx.siteSettings.update(await siteRow(site.id), { subdomains: 'www' }, actor)).rejects.toThrow(
      /needs 2 new Page Rule\(s\) but the zone has 1 free/,
    );

    expect(fake.pageRules(zone.id)).toEqual(rulesBefore);
    expect(await siteRow(site.id)).toMatchObject({ maintenanceState: 'on', includeSubdomains: true, subdomainList: [] });
  });

  it('refuses to remove a site in maintenance, and removes it once out', async () => {
    const { site } = await givenSite(ctx, fake, 'removable.com');
    await ctx.maintenance.enableMaintenance(site, null, actor);
    await expect(ctx.siteSettings.remove(await siteRow(site.id))).rejects.toThrow(/disable maintenance before removing it/);
    await ctx.maintenance.disableMaintenance(await siteRow(site.id), actor);
    await ctx.siteSettings.remove(await siteRow(site.id));
    expect(await sites().findOneBy({ id: site.id })).toBeNull();
    expect((await logsOf(site.id)).length).toBe(2);
  });
});
