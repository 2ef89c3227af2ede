import { currentProcessOwner } from '../../src/common/process-owner.js';
import { describe, expect, it } from '@jest/globals';
import { hostname } from 'node:os';
import { MaintenanceLog } from '../../src/logs/maintenance-log.entity.js';
import { CloudflareSite } from '../../src/sites/cloudflare-site.entity.js';
import { forwardingAction, givenSite } from '../support/scenario.js';
import { serviceSuite } from '../support/service-suite.js';
import { TEST_PUBLIC_URL } from '../support/test-context.js';

const suite = serviceSuite();
const actor = 'test:operator';
// A process of this host that cannot exist: Linux pids stop at 4194304 (pid_max).
const DEAD_OWNER = `${hostname()}:4194305:`;

const sites = () => suite.db.dataSource.getRepository(CloudflareSite);
const siteRow = (id: string) => sites().findOneByOrFail({ id });
const logsOf = (siteId: string) =>
  suite.db.dataSource.getRepository(MaintenanceLog).find({ where: { siteId }, order: { createdAt: 'ASC' } });
const userRule = { id: 'cache_level', value: 'cache_everything' };

describe('live status and reconcile', () => {
  it('names a rule deleted by hand, and reconcile re-creates it', async () => {
    const { zone, site } = await givenSite(suite.ctx, suite.fake, 'deleted-by-hand.com');
    suite.fake.addPageRule(zone.id, { targetValue: 'deleted-by-hand.com/blog/*', actions: [userRule], priority: 1 });
    await suite.ctx.maintenance.enableMaintenance(site, 'upgrade', actor);
    const [ours] = (await siteRow(site.id)).maintenanceRules;
    suite.fake.deletePageRuleDirectly(zone.id, ours.id);

    const live = await suite.ctx.reconcile.inspect(site);
    expect(live.drift).toEqual([expect.objectContaining({ kind: 'rule_missing', ruleId: ours.id })]);

    const result = await suite.ctx.reconcile.reconcile(site, { actor });

    expect(result).toMatchObject({ outcome: 'repaired', repair: 'recreate' });
    const rules = suite.fake.pageRules(zone.id);
    const recreated = rules.find((rule) => rule.targets[0].constraint.value === '*deleted-by-hand.com/*');
    expect(recreated).toMatchObject({ status: 'active', actions: [forwardingAction(`${TEST_PUBLIC_URL}/maintenance?site=deleted-by-hand.com`)] });
    expect(suite.fake.winningRule(zone.id, 'https://deleted-by-hand.com/blog/x')?.id).toBe(recreated!.id);
    const stored = await siteRow(site.id);
    expect(stored).toMatchObject({ maintenanceState: 'on', maintenanceReason: 'upgrade' });
    expect(stored.maintenanceRules.map((rule) => rule.id)).toEqual([recreated!.id]);
    expect((await suite.ctx.reconcile.inspect(site)).drift).toEqual([]);
    const audit = (await logsOf(site.id)).at(-1)!;
    expect(audit).toMatchObject({ action: 'reconcile', outcome: 'success', ruleIds: [recreated!.id] });
    expect(audit.reason).toMatch(/re-create the missing rules.*deleted by hand/);
  });

  it('names the coverage a half-done disable lost, and reconcile re-creates the rule for it', async () => {
    const { zone, site } = await givenSite(suite.ctx, suite.fake, 'half-disabled.com', { plan: 'pro', subdomains: 'www' });
    await suite.ctx.maintenance.enableMaintenance(site, 'upgrade', actor);
    const forbidden = { status: 403, code: 10000, message: 'Authentication error' };
    suite.fake.injectFault({ method: 'DELETE', path: new RegExp(`^/zones/${zone.id}/pagerules/`), skip: 1, times: 1, fault: forbidden });

    await expect(suite.ctx.maintenance.disableMaintenance(await siteRow(site.id), actor)).rejects.toThrow(/delete rule 2 of 2/);
    const [kept] = suite.fake.pageRules(zone.id);
    const half = await siteRow(site.id);
    expect(half).toMatchObject({ maintenanceState: 'on', maintenanceRules: [{ id: kept.id, target: kept.targets[0].constraint.value }] });
    const lost = ['half-disabled.com/*', 'www.half-disabled.com/*'].find((target) => target !== kept.targets[0].constraint.value)!;

    const live = await suite.ctx.reconcile.inspect(half);
    expect(live.drift).toEqual([expect.objectContaining({ kind: 'rule_missing', message: expect.stringContaining(lost) })]);

    const result = await suite.ctx.reconcile.reconcile(half, { actor });

    expect(result).toMatchObject({ outcome: 'repaired', repair: 'recreate' });
    const rules = suite.fake.pageRules(zone.id);
    expect(rules.map((rule) => rule.targets[0].constraint.value).sort()).toEqual(['half-disabled.com/*', 'www.half-disabled.com/*']);
    const host = lost.replace('/*', '');
    expect(suite.fake.winningRule(zone.id, `https://${host}/x`)).toMatchObject({
      actions: [forwardingAction(`${TEST_PUBLIC_URL}/maintenance?site=half-disabled.com`)],
    });
    const stored = await siteRow(site.id);
    expect(stored.maintenanceState).toBe('on');
    expect(stored.maintenanceRules.map((rule) => rule.id).sort()).toEqual(rules.map((rule) => rule.id).sort());
    expect((await suite.ctx.reconcile.inspect(stored)).drift).toEqual([]);
  });

  it('marks an inactive site out of maintenance instead of re-creating its rules, and says why', async () => {
    const { zone, site } = await givenSite(suite.ctx, suite.fake, 'inactive-now.com', { plan: 'pro', subdomains: 'www' });
    await suite.ctx.maintenance.enableMaintenance(site, null, actor);
    const [first] = (await siteRow(site.id)).maintenanceRules;
    suite.fake.deletePageRuleDirectly(zone.id, first.id);
    await sites().update({ id: site.id }, { isActive: false, inactiveReason: 'zone_missing' });

    const result = await suite.ctx.reconcile.reconcile(site, { actor });

    expect(result).toMatchObject({ outcome: 'repaired', repair: 'mark_out' });
    expect(result.message).toMatch(/because the site is marked inactive/);
    expect(suite.fake.pageRules(zone.id)).toEqual([]);
    expect((await siteRow(site.id)).maintenanceState).toBe('off');
  });

  it("removes our rules left in a zone of a site out of maintenance, and never a user's rule", async () => {
    const { zone, site } = await givenSite(suite.ctx, suite.fake, 'leftovers.com');
    const user = suite.fake.addPageRule(zone.id, {
      targetValue: 'leftovers.com/*',
      actions: [forwardingAction('https://elsewhere.example.org/')],
      priority: 2,
    });
    suite.fake.addPageRule(zone.id, {
      targetValue: '*leftovers.com/*',
      actions: [forwardingAction(`${TEST_PUBLIC_URL}/maintenance?site=leftovers.com`)],
      priority: 3,
    });

    expect((await suite.ctx.reconcile.inspect(site)).drift).toEqual([expect.objectContaining({ kind: 'rule_orphaned' })]);
    const dry = await suite.ctx.reconcile.reconcile(site, { actor, dryRun: true });
    expect(dry).toMatchObject({ outcome: 'would_repair', repair: 'remove_orphans' });
    expect(suite.fake.pageRules(zone.id)).toHaveLength(2);

    const result = await suite.ctx.reconcile.reconcile(site, { actor });

    expect(result).toMatchObject({ outcome: 'repaired', repair: 'remove_orphans' });
    expect(suite.fake.pageRules(zone.id)).toEqual([user]);
  });

  it('finishes an operation whose process died and closes its pending audit row as interrupted', async () => {
    const { zone, site } = await givenSite(suite.ctx, suite.fake, 'crashed.com');
    const orphan = suite.fake.addPageRule(zone.id, {
      targetValue: '*crashed.com/*',
      actions: [forwardingAction(`${TEST_PUBLIC_URL}/maintenance?site=crashed.com`)],
      priority: 1,
    });
    await sites().update({ id: site.id }, {
      maintenanceState: 'enabling',
      claimedBy: DEAD_OWNER,
      maintenanceRules: [{ id: orphan.id, target: '*crashed.com/*' }],
    });
    const pending = await suite.db.dataSource.getRepository(MaintenanceLog).save({
      siteId: site.id, domain: 'crashed.com', action: 'enable', outcome: 'pending', actor, owner: DEAD_OWNER,
    });

    expect((await suite.ctx.reconcile.inspect(site)).drift).toEqual([expect.objectContaining({ kind: 'interrupted' })]);
    const result = await suite.ctx.reconcile.reconcile(site, { actor });
    const closed = await suite.ctx.reconcile.closeInterruptedLogs([site.id]);

    expect(result).toMatchObject({ outcome: 'repaired', repair: 'clean_out' });
    expect(suite.fake.pageRules(zone.id)).toEqual([]);
    expect(await siteRow(site.id)).toMatchObject({ maintenanceState: 'off', maintenanceRules: [], claimedBy: null });
    expect(closed).toBe(1);
    const row = await suite.db.dataSource.getRepository(MaintenanceLog).findOneByOrFail({ id: pending.id });
    expect(row).toMatchObject({ outcome: 'failed', errorCode: 'interrupted' });
    expect(row.completedAt).not.toBeNull();
  });

  it('leaves a site alone while a living process holds it', async () => {
    const { zone, site } = await givenSite(suite.ctx, suite.fake, 'busy.com');
    await sites().update({ id: site.id }, { maintenanceState: 'enabling', claimedBy: currentProcessOwner() });

    const result = await suite.ctx.reconcile.reconcile(site, { actor });

    expect(result.outcome).toBe('busy');
    expect(suite.fake.pageRules(zone.id)).toEqual([]);
    expect((await siteRow(site.id)).maintenanceState).toBe('enabling');
    await sites().update({ id: site.id }, { maintenanceState: 'off', claimedBy: null });
  });
});

describe('site settings', () => {
  it('re-applies the rules of a site in maintenance when its subdomains change: new rules first, then the old removed', async () => {
    const { zone, site } = await givenSite(suite.ctx, suite.fake, 'resettle.com', { plan: 'pro' });
    await suite.ctx.maintenance.enableMaintenance(site, null, actor);
    const before = (await siteRow(site.id)).maintenanceRules;

    const result = await suite.ctx.siteSettings.update(await siteRow(site.id), { subdomains: 'www' }, actor);

    expect(result).toMatchObject({ rulesReapplied: true, changed: ['subdomains'] });
    const targets = suite.fake.pageRules(zone.id).map((rule) => rule.targets[0].constraint.value).sort();
    expect(targets).toEqual(['resettle.com/*', 'www.resettle.com/*']);
    const stored = await siteRow(site.id);
    expect(stored).toMatchObject({ maintenanceState: 'on', includeSubdomains: false, subdomainList: ['www'] });
    expect(stored.maintenanceRules.map((rule) => rule.target).sort()).toEqual(targets);
    expect(stored.maintenanceRules.some((rule) => rule.id === before[0].id)).toBe(false);
    const order = suite.fake.exchanges.filter((exchange) => exchange.path.startsWith(`/zones/${zone.id}/pagerules`) && exchange.method !== 'GET').slice(-3);
    expect(order.map((exchange) => exchange.method)).toEqual(['POST', 'POST', 'DELETE']);
  });

  it('refuses a change the zone has no room for and leaves rules and settings as they were', async () => {
    const { zone, site } = await givenSite(suite.ctx, suite.fake, 'no-room.com', { plan: 'free' });
    suite.fake.addPageRule(zone.id, { targetValue: 'no-room.com/a/*', actions: [userRule], priority: 1 });
    await suite.ctx.maintenance.enableMaintenance(site, null, actor);
    const rulesBefore = suite.fake.pageRules(zone.id);

    await expect(suite.ctx.siteSettings.update(await siteRow(site.id), { subdomains: 'www' }, actor)).rejects.toThrow(
      /needs 2 new Page Rule\(s\) but the zone has 1 free/,
    );

    expect(suite.fake.pageRules(zone.id)).toEqual(rulesBefore);
    expect(await siteRow(site.id)).toMatchObject({ maintenanceState: 'on', includeSubdomains: true, subdomainList: [] });
  });

  it('refuses to remove a site in maintenance, and removes it once out', async () => {
    const { site } = await givenSite(suite.ctx, suite.fake, 'removable.com');
    await suite.ctx.maintenance.enableMaintenance(site, null, actor);
    await expect(suite.ctx.siteSettings.remove(await siteRow(site.id))).rejects.toThrow(/disable maintenance before removing it/);
    await suite.ctx.maintenance.disableMaintenance(await siteRow(site.id), actor);
    await suite.ctx.siteSettings.remove(await siteRow(site.id));
    expect(await sites().findOneBy({ id: site.id })).toBeNull();
    expect((await logsOf(site.id)).length).toBe(2);
  });
});
