import { beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { CloudflareSite } from '../../src/sites/cloudflare-site.entity.js';
import { TransitionFailedError } from '../../src/maintenance/transition-failed.error.js';
import type { FakeCloudflare, FakeZone } from '../support/fake-cloudflare/index.js';
import { forwardingAction, givenSite, TEST_TOKEN } from '../support/scenario.js';
import { serviceSuite } from '../support/service-suite.js';
import type { TestContext } from '../support/test-context.js';
import type { TestDatabase } from '../support/test-database.js';

/**
 * The worker engine against the fake Cloudflare over HTTP and a real PostgreSQL, through the real services: the
 * script of the account and the site's routes, the refusals before any write, lost answers, two sites of one
 * account, drift and reconcile, the engine switch while in maintenance, and a window's end in the script.
 */
const suite = serviceSuite();
let fake: FakeCloudflare;
let db: TestDatabase;
let ctx: TestContext;
beforeAll(() => {
  ({ fake, db, ctx } = suite);
});

const SCRIPT = 'cfm-maintenance';
const ACTOR = 'test:worker';
let accounts = 0;

/** Each test its own account, so that each has its own script. */
function newAccount(): string {
  accounts += 1;
  return accounts.toString(16).padStart(32, 'a');
}

async function workerSite(domain: string, accountId: string, options: { subdomains?: string } = {}): Promise<{ zone: FakeZone; site: CloudflareSite }> {
  const given = await givenSite(ctx, fake, domain, { accountId, ...options });
  const { site } = await ctx.siteSettings.update(given.site, { engine: 'worker' }, ACTOR);
  return { zone: given.zone, site };
}

function reload(site: CloudflareSite): Promise<CloudflareSite> {
  return ctx.sites.findByDomain(site.domain);
}

const ourRoutes = (zoneId: string) => fake.workerRoutes(zoneId).filter((route) => route.script === SCRIPT);
const script = (accountId: string) => fake.workerScript(accountId, SCRIPT);
const writesSince = (mark: number) => fake.exchanges.slice(mark).filter((exchange) => exchange.method !== 'GET');

async function failure(promise: Promise<unknown>): Promise<TransitionFailedError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(TransitionFailedError);
  return error as TransitionFailedError;
}

async function inSync(site: CloudflareSite) {
  const report = await ctx.reconcile.run({ domains: [site.domain] }, { actor: ACTOR });
  return report.results.map(({ outcome, drift }) => ({ outcome, drift: drift.map((entry) => entry.kind) }));
}

describe('the worker engine: a full cycle', () => {
  it("uploads one script with the site and one route per pattern, never touches the user's own Worker and route, and takes it all away", async () => {
    const account = newAccount();
    const { zone, site } = await workerSite('cycle-shop.com', account);
    fake.addWorkerScript(account, { name: 'their-worker' });
    const theirs = fake.addWorkerRoute(zone.id, { pattern: 'cycle-shop.com/api/*', script: 'their-worker' });

    const result = await ctx.maintenance.enableMaintenance(site, 'release 7', ACTOR);

    expect(result.message).toMatch(/Free Workers plan is assumed/);
    const deployed = script(account)!;
    expect(deployed).toMatchObject({ mainModule: 'maintenance.mjs', tags: [expect.stringMatching(/^cfm-version-[0-9a-f]{16}$/)] });
    expect(deployed.source).toContain('cycle-shop.com');
    expect(deployed.source).toContain('release 7');
    expect(ourRoutes(zone.id).map((route) => route.pattern).sort()).toEqual(['*.cycle-shop.com/*', 'cycle-shop.com/*']);
    const stored = await reload(site);
    expect(stored).toMatchObject({ maintenanceState: 'on', accountId: account });
    expect(stored.maintenanceRules.map((rule) => rule.target).sort()).toEqual(['cfm_worker_route:*.cycle-shop.com/*', 'cfm_worker_route:cycle-shop.com/*']);
    // Their /api/* route is more specific than our cycle-shop.com/*: said at enable, reported, never changed.
    expect(result.message).toMatch(/Note: route \S+ \(cycle-shop\.com\/api\/\*\) runs the Worker "their-worker" .*requests for the paths \/api\/\* of cycle-shop\.com are not in maintenance/);
    expect(await inSync(site)).toEqual([{ outcome: 'reported', drift: ['rule_outranked'] }]);
    expect(fake.workerRoutes(zone.id)).toContainEqual(theirs);

    await ctx.maintenance.disableMaintenance(stored, ACTOR);

    expect(ourRoutes(zone.id)).toEqual([]);
    expect(script(account)).toBeUndefined();
    expect(fake.workerRoutes(zone.id)).toEqual([theirs]);
    expect(fake.workerScripts(account).map((each) => each.name)).toEqual(['their-worker']);
    expect(await reload(site)).toMatchObject({ maintenanceState: 'off', maintenanceRules: [] });
  });

  it('uploads nothing again when enabling a site already in maintenance, nor when the script already holds the version', async () => {
    const account = newAccount();
    const { site } = await workerSite('idem-shop.com', account);
    await ctx.maintenance.enableMaintenance(site, null, ACTOR);
    const mark = fake.exchanges.length;

    await expect(ctx.maintenance.enableMaintenance(await reload(site), null, ACTOR)).resolves.toMatchObject({ outcome: 'skipped' });
    await ctx.reconcile.run({ domains: [site.domain] }, { actor: ACTOR });

    expect(writesSince(mark)).toEqual([]);
  });
});

describe('the worker engine: refusals before any write', () => {
  it('names the Workers permissions the token lacks, and writes nothing', async () => {
    const account = newAccount();
    const { zone, site } = await workerSite('perm-shop.com', account);
    fake.setWorkersAccess(TEST_TOKEN, { scripts: 'none', routes: 'none' });
    const mark = fake.exchanges.length;
    try {
      const error = await failure(ctx.maintenance.enableMaintenance(site, null, ACTOR));
      expect(error.kind).toBe('validation');
      expect(error.message).toMatch(/lacks Workers Scripts Edit \(account\) and Workers Routes Edit \(zone\).*Nothing was changed/);
    } finally {
      fake.setWorkersAccess(TEST_TOKEN, {});
    }
    expect(writesSince(mark)).toEqual([]);
    expect(fake.workerRoutes(zone.id)).toEqual([]);
    expect(await reload(site)).toMatchObject({ maintenanceState: 'off', maintenanceRules: [] });
  });

  it('with a token that may only read Workers scripts, fails at the upload, names the permission and leaves nothing', async () => {
    const account = newAccount();
    const { zone, site } = await workerSite('read-only-shop.com', account);
    fake.setWorkersAccess(TEST_TOKEN, { scripts: 'read' });
    try {
      const error = await failure(ctx.maintenance.enableMaintenance(site, null, ACTOR));
      expect(error.message).toMatch(/step "upload the worker script .*lacks Workers Scripts Edit/);
    } finally {
      fake.setWorkersAccess(TEST_TOKEN, {});
    }
    expect(script(account)).toBeUndefined();
    expect(fake.workerRoutes(zone.id)).toEqual([]);
    expect(await reload(site)).toMatchObject({ maintenanceState: 'off', maintenanceRules: [] });
  });

  it('refuses with the counts when the zone has no room for the routes, and writes nothing', async () => {
    const account = newAccount();
    const { zone, site } = await workerSite('full-shop.com', account);
    fake.addWorkerScript(account, { name: 'their-worker' });
    for (let index = 0; index < 999; index += 1) fake.addWorkerRoute(zone.id, { pattern: `full-shop.com/p${index}/*`, script: 'their-worker' });
    const mark = fake.exchanges.length;

    const error = await failure(ctx.maintenance.enableMaintenance(site, null, ACTOR));

    expect(error.kind).toBe('quota');
    expect(error.message).toMatch(/needs 2 new Worker route\(s\) but the zone has 1 free \(1000 allowed per zone, 999 in use\)/);
    expect(writesSince(mark)).toEqual([]);
    expect(script(account)).toBeUndefined();
  });

  it("refuses when the user's own route holds one of the site's patterns, naming it, and leaves it as it is", async () => {
    const account = newAccount();
    const { zone, site } = await workerSite('taken-shop.com', account);
    fake.addWorkerScript(account, { name: 'their-worker' });
    const theirs = fake.addWorkerRoute(zone.id, { pattern: 'taken-shop.com/*', script: 'their-worker' });
    const mark = fake.exchanges.length;

    const error = await failure(ctx.maintenance.enableMaintenance(site, null, ACTOR));

    expect(error.kind).toBe('conflict');
    expect(error.message).toContain(`taken-shop.com/* to the Worker "their-worker" (route ${theirs.id})`);
    expect(writesSince(mark)).toEqual([]);
    expect(fake.workerRoutes(zone.id)).toEqual([theirs]);
  });
});

describe('the worker engine: lost answers', () => {
  it('keeps one script when the answer to its upload is lost, and reconcile finds nothing to do', async () => {
    const account = newAccount();
    const { zone, site } = await workerSite('lost-upload.com', account);
    const lost = fake.injectFault({ method: 'PUT', path: `/accounts/${account}/workers/scripts/${SCRIPT}`, fault: 'reset', afterHandling: true });

    await ctx.maintenance.enableMaintenance(site, null, ACTOR);

    expect(lost.spent()).toBe(true);
    expect(fake.workerScripts(account).map((each) => each.name)).toEqual([SCRIPT]);
    expect(ourRoutes(zone.id)).toHaveLength(2);
    expect(await inSync(site)).toEqual([{ outcome: 'in_sync', drift: [] }]);
  });

  it('leaves no script behind when the upload keeps failing, and the retry then puts the site in maintenance', async () => {
    const account = newAccount();
    const { zone, site } = await workerSite('lost-always.com', account);
    fake.injectFault({ method: 'PUT', path: `/accounts/${account}/workers/scripts/${SCRIPT}`, fault: 'reset', afterHandling: true, times: Infinity });

    const error = await failure(ctx.maintenance.enableMaintenance(site, null, ACTOR));
    fake.clearFaults();

    expect(error.message).toMatch(/failed at step "upload the worker script cfm-maintenance version [0-9a-f]{16} \(with lost-always\.com\)"/);
    expect(script(account)).toBeUndefined();
    expect(fake.workerRoutes(zone.id)).toEqual([]);
    expect(await reload(site)).toMatchObject({ maintenanceState: 'off', maintenanceRules: [] });
    expect(await inSync(site)).toEqual([{ outcome: 'in_sync', drift: [] }]);

    await ctx.maintenance.enableMaintenance(await reload(site), null, ACTOR);
    expect(ourRoutes(zone.id)).toHaveLength(2);
    expect(await inSync(site)).toEqual([{ outcome: 'in_sync', drift: [] }]);
  });

  it('keeps one route per pattern when the answer to a route creation is lost, and reconcile finds nothing to do', async () => {
    const account = newAccount();
    const { zone, site } = await workerSite('lost-route.com', account);
    const lost = fake.injectFault({ method: 'POST', path: `/zones/${zone.id}/workers/routes`, fault: 'reset', afterHandling: true });

    await ctx.maintenance.enableMaintenance(site, null, ACTOR);

    expect(lost.spent()).toBe(true);
    const routes = ourRoutes(zone.id);
    expect(routes.map((route) => route.pattern).sort()).toEqual(['*.lost-route.com/*', 'lost-route.com/*']);
    expect((await reload(site)).maintenanceRules.map((rule) => rule.id).sort()).toEqual(routes.map((route) => route.id).sort());
    expect(await inSync(site)).toEqual([{ outcome: 'in_sync', drift: [] }]);
  });

  it('removes the routes created and the script when a later route cannot be created', async () => {
    const account = newAccount();
    const { zone, site } = await workerSite('half-routes.com', account);
    fake.injectFault({ method: 'POST', path: `/zones/${zone.id}/workers/routes`, skip: 1, times: Infinity, fault: { status: 403, code: 10000, message: 'Authentication error' } });

    const error = await failure(ctx.maintenance.enableMaintenance(site, null, ACTOR));
    fake.clearFaults();

    expect(error.message).toMatch(/create the Worker route .*1 rule\(s\) already created were removed/);
    expect(fake.workerRoutes(zone.id)).toEqual([]);
    expect(script(account)).toBeUndefined();
    expect(await reload(site)).toMatchObject({ maintenanceState: 'off', maintenanceRules: [] });
  });
});

describe('the worker engine: sites of one account', () => {
  it('holds every site of the account enabled in one bulk run, and deletes the script when the last one leaves', async () => {
    const account = newAccount();
    const domains = ['bulk-a.com', 'bulk-b.com', 'bulk-c.com'];
    for (const domain of domains) await workerSite(domain, account);
    const sites = await ctx.selection.select({ domains });

    const enabled = await ctx.bulk.run('enable', sites, { actor: ACTOR, reason: 'fleet release', concurrency: 3 });

    expect(enabled.results.map((result) => result.outcome)).toEqual(['done', 'done', 'done']);
    for (const domain of domains) expect(script(account)!.source).toContain(domain);
    expect(await inSync(sites[0])).toEqual([{ outcome: 'in_sync', drift: [] }]);

    const disabled = await ctx.bulk.run('disable', sites.slice(0, 2), { actor: ACTOR, concurrency: 2 });

    expect(disabled.results.map((result) => result.outcome)).toEqual(['done', 'done']);
    expect(script(account)!.source).toContain('bulk-c.com');
    expect(script(account)!.source).not.toContain('bulk-a.com');
    expect(script(account)!.source).not.toContain('bulk-b.com');
    expect(await inSync(sites[2])).toEqual([{ outcome: 'in_sync', drift: [] }]);

    await ctx.maintenance.disableMaintenance(await reload(sites[2]), ACTOR);
    expect(script(account)).toBeUndefined();
  });
});

describe('the worker engine: drift and reconcile', () => {
  it('re-creates a route deleted by hand and re-deploys a script replaced by hand', async () => {
    const account = newAccount();
    const { zone, site } = await workerSite('drift-shop.com', account);
    await ctx.maintenance.enableMaintenance(site, null, ACTOR);
    const version = script(account)!.tags;
    fake.removeWorkerRouteDirectly(zone.id, ourRoutes(zone.id)[0].id);
    fake.addWorkerScript(account, { name: SCRIPT, tags: ['cfm-version-0000000000000000'] });

    const live = await ctx.reconcile.inspect(await reload(site));
    expect(live.drift.map((entry) => entry.kind).sort()).toEqual(['rule_missing', 'rule_stale']);

    expect(await inSync(site)).toEqual([{ outcome: 'repaired', drift: ['rule_missing', 'rule_stale'] }]);
    expect(ourRoutes(zone.id)).toHaveLength(2);
    expect(script(account)!.tags).toEqual(version);
    expect(await inSync(site)).toEqual([{ outcome: 'in_sync', drift: [] }]);
  });

  it('takes the script off workers.dev when it creates it; reports it turned back on by hand, and reconcile turns it off', async () => {
    const account = newAccount();
    const { site } = await workerSite('workers-dev-shop.com', account);
    await ctx.maintenance.enableMaintenance(site, null, ACTOR);
    expect(script(account)!.workersDev).toEqual({ enabled: false, previewsEnabled: false });

    fake.setWorkersDevDirectly(account, SCRIPT, { enabled: true, previewsEnabled: false });
    const live = await ctx.reconcile.inspect(await reload(site));
    expect(live.drift).toEqual([{ kind: 'rule_stale', message: expect.stringMatching(/also answers on the account's workers\.dev subdomain/) }]);

    expect(await inSync(site)).toEqual([{ outcome: 'repaired', drift: ['rule_stale'] }]);
    expect(script(account)!.workersDev).toEqual({ enabled: false, previewsEnabled: false });
    expect(await inSync(site)).toEqual([{ outcome: 'in_sync', drift: [] }]);
    expect(fake.violations()).toEqual([]);
  });

  it("reports a user's more specific routes, one with no script too, in the live status and reconcile, and changes none of them", async () => {
    const account = newAccount();
    const { zone, site } = await workerSite('outranked-shop.com', account);
    await ctx.maintenance.enableMaintenance(site, null, ACTOR);
    fake.addWorkerScript(account, { name: 'their-api' });
    const api = fake.addWorkerRoute(zone.id, { pattern: 'outranked-shop.com/api/*', script: 'their-api' });
    const off = fake.addWorkerRoute(zone.id, { pattern: 'static.outranked-shop.com/*' });
    const before = fake.workerRoutes(zone.id);

    const live = await ctx.reconcile.inspect(await reload(site));
    expect(live.drift).toEqual([
      { kind: 'rule_outranked', ruleId: api.id, message: expect.stringContaining('requests for the paths /api/* of outranked-shop.com are not in maintenance') },
      { kind: 'rule_outranked', ruleId: off.id, message: expect.stringMatching(/turns Workers off \(no script\) and is more specific than our \*\.outranked-shop\.com\/\*.*every path of static\.outranked-shop\.com/) },
    ]);
    const mark = fake.exchanges.length;
    expect(await inSync(site)).toEqual([{ outcome: 'reported', drift: ['rule_outranked', 'rule_outranked'] }]);
    expect(writesSince(mark)).toEqual([]);
    expect(fake.workerRoutes(zone.id)).toEqual(before);
  });

  it('re-deploys a script deleted by hand', async () => {
    const account = newAccount();
    const { site } = await workerSite('gone-script.com', account);
    await ctx.maintenance.enableMaintenance(site, null, ACTOR);
    fake.deleteWorkerScriptDirectly(account, SCRIPT);

    expect(await inSync(site)).toEqual([{ outcome: 'repaired', drift: ['rule_missing'] }]);
    expect(script(account)).toBeDefined();
  });

  it('reports a route of ours pointed at another Worker, and neither reconcile nor disable touches it', async () => {
    const account = newAccount();
    const { zone, site } = await workerSite('pointed-shop.com', account);
    await ctx.maintenance.enableMaintenance(site, null, ACTOR);
    fake.addWorkerScript(account, { name: 'their-worker' });
    const [first] = ourRoutes(zone.id);
    fake.alterWorkerRoute(zone.id, first.id, { script: 'their-worker' });

    expect(await inSync(site)).toEqual([{ outcome: 'reported', drift: ['rule_taken'] }]);
    await ctx.maintenance.disableMaintenance(await reload(site), ACTOR);

    expect(fake.workerRoutes(zone.id)).toEqual([{ ...first, script: 'their-worker' }]);
    expect(script(account)).toBeUndefined();
  });

  it('removes routes and the script left by a crash of a site out of maintenance', async () => {
    const account = newAccount();
    const { zone, site } = await workerSite('crashed-shop.com', account);
    await ctx.maintenance.enableMaintenance(site, null, ACTOR);
    // As if the process died after Cloudflare's answers and before the database heard of them.
    await db.dataSource.query(`UPDATE cloudflare_sites SET maintenance_state = 'off', maintenance_rules = '[]' WHERE id = $1`, [site.id]);

    const [result] = await ctx.reconcile.run({ domains: [site.domain] }, { actor: ACTOR }).then((report) => report.results);

    expect(result).toMatchObject({ outcome: 'repaired', repair: 'remove_orphans' });
    expect(fake.workerRoutes(zone.id)).toEqual([]);
    expect(script(account)).toBeUndefined();
  });
});

describe('the worker engine: switching engines in maintenance', () => {
  it('from page_rules: the script and the routes are in place before the first Page Rule is deleted', async () => {
    const account = newAccount();
    const { zone, site } = await givenSite(ctx, fake, 'switch-shop.com', { accountId: account });
    const user = fake.addPageRule(zone.id, { targetValue: 'switch-shop.com/old/*', actions: [forwardingAction('https://elsewhere.test/')] });
    await ctx.maintenance.enableMaintenance(site, null, ACTOR);
    const ours = fake.pageRules(zone.id).filter((rule) => rule.id !== user.id);
    expect(ours).toHaveLength(1);
    const mark = fake.exchanges.length;

    const updated = await ctx.siteSettings.update(await reload(site), { engine: 'worker' }, ACTOR);

    expect(updated.rulesReapplied).toBe(true);
    const writes = writesSince(mark).map((exchange) => `${exchange.method} ${exchange.path.replace(/\/[0-9a-f]{32}(?=\/|$)/g, '/:id')}`);
    const firstPageRuleDelete = writes.findIndex((write) => write.startsWith('DELETE') && write.includes('/pagerules'));
    const routeCreates = writes.flatMap((write, index) => (write === 'POST /zones/:id/workers/routes' ? [index] : []));
    const upload = writes.indexOf('PUT /accounts/:id/workers/scripts/cfm-maintenance');
    expect(routeCreates).toHaveLength(2);
    expect(upload).toBeGreaterThanOrEqual(0);
    expect(upload).toBeLessThan(routeCreates[0]);
    expect(Math.max(...routeCreates)).toBeLessThan(firstPageRuleDelete);
    expect(fake.pageRules(zone.id)).toEqual([user]);
    expect(ourRoutes(zone.id)).toHaveLength(2);
    expect(await reload(site)).toMatchObject({ engine: 'worker', maintenanceState: 'on' });
    expect(await inSync(site)).toEqual([{ outcome: 'in_sync', drift: [] }]);

    const back = fake.exchanges.length;
    await ctx.siteSettings.update(await reload(site), { engine: 'page_rules' }, ACTOR);

    const returns = writesSince(back).map((exchange) => `${exchange.method} ${exchange.path.replace(/\/[0-9a-f]{32}(?=\/|$)/g, '/:id')}`);
    expect(returns.indexOf('POST /zones/:id/pagerules')).toBeLessThan(returns.indexOf('DELETE /zones/:id/workers/routes/:id'));
    expect(returns.at(-1)).toBe('DELETE /accounts/:id/workers/scripts/cfm-maintenance');
    expect(ourRoutes(zone.id)).toEqual([]);
    expect(script(account)).toBeUndefined();
    expect(fake.pageRules(zone.id)).toHaveLength(2);
  });

  it('from page_rules, failing to create a route: the Page Rules stay, and the routes and the script go', async () => {
    const account = newAccount();
    const { zone, site } = await givenSite(ctx, fake, 'switch-fails.com', { accountId: account });
    await ctx.maintenance.enableMaintenance(site, null, ACTOR);
    const before = fake.pageRules(zone.id);
    fake.injectFault({ method: 'POST', path: `/zones/${zone.id}/workers/routes`, skip: 1, times: Infinity, fault: { status: 403, code: 10000, message: 'Authentication error' } });

    await expect(ctx.siteSettings.update(await reload(site), { engine: 'worker' }, ACTOR)).rejects.toBeInstanceOf(TransitionFailedError);
    fake.clearFaults();

    expect(fake.pageRules(zone.id)).toEqual(before);
    expect(fake.workerRoutes(zone.id)).toEqual([]);
    expect(script(account)).toBeUndefined();
    expect(await reload(site)).toMatchObject({ engine: 'page_rules', maintenanceState: 'on' });
  });
});

describe('the worker engine: what the script shows', () => {
  it("carries the window's end, re-deployed when the window is extended", async () => {
    const account = newAccount();
    await workerSite('timed-shop.com', account);

    const { window } = await ctx.schedules.startTimed({ domains: ['timed-shop.com'], reason: 'Upgrading the shop', for: '2h' }, ACTOR);

    expect(script(account)!.source).toContain(window.endsAt.toISOString());
    expect(script(account)!.source).toContain('Upgrading the shop');
    const extended = await ctx.schedules.extend('timed-shop.com', { by: '30m' }, ACTOR);
    expect(script(account)!.source).toContain(extended.endsAt.toISOString());
    expect(script(account)!.source).not.toContain(window.endsAt.toISOString());
  });

  it("re-deploys the script with the site's branded page, in each of its languages, when the branding changes", async () => {
    const account = newAccount();
    const { zone, site } = await workerSite('brand-shop.com', account);
    await ctx.maintenance.enableMaintenance(site, null, ACTOR);
    const routes = ourRoutes(zone.id);
    const mark = fake.exchanges.length;

    await ctx.siteSettings.update(await reload(site), { page: { title: 'Back at <noon>', translations: { fr: { title: 'De retour à midi' } } } }, ACTOR);

    const source = script(account)!.source;
    expect(source).toContain('Back at &lt;noon&gt;');
    expect(source).not.toContain('Back at <noon>');
    expect(source).toContain('De retour à midi');
    expect(writesSince(mark).map((exchange) => exchange.method)).toEqual(['PUT']);
    expect(ourRoutes(zone.id)).toEqual(routes);
    expect(await inSync(site)).toEqual([{ outcome: 'in_sync', drift: [] }]);
  });

  it('changes nothing in Cloudflare when the maintenance URL of a site in maintenance changes: the Worker sends nobody there', async () => {
    const account = newAccount();
    const { site } = await workerSite('url-shop.com', account);
    await ctx.maintenance.enableMaintenance(site, null, ACTOR);
    const mark = fake.exchanges.length;

    const updated = await ctx.siteSettings.update(await reload(site), { maintenanceUrl: 'https://status.elsewhere.net/down' }, ACTOR);

    expect(updated.rulesReapplied).toBe(false);
    expect(updated.site.maintenanceUrl).toBe('https://status.elsewhere.net/down');
    expect(writesSince(mark)).toEqual([]);
  });

  it('re-deploys the script, keeping the routes, when the bypass of a site in maintenance changes', async () => {
    const account = newAccount();
    const { zone, site } = await workerSite('access-shop.com', account);
    await ctx.maintenance.enableMaintenance(site, null, ACTOR);
    const routes = ourRoutes(zone.id);
    const before = script(account)!.tags;

    const updated = await ctx.siteSettings.update(await reload(site), { bypassIps: '203.0.113.0/24' }, ACTOR);

    expect(updated.rulesReapplied).toBe(true);
    expect(script(account)!.tags).not.toEqual(before);
    expect(script(account)!.source).toContain('203.0.113.0/24');
    expect(ourRoutes(zone.id)).toEqual(routes);
    expect(await inSync(site)).toEqual([{ outcome: 'in_sync', drift: [] }]);
  });
});

describe("the worker engine: the script's size", () => {
  /** 30 translations: the most a branding may have (BRANDING_BOUNDS), each a page of the script. */
  const LANGUAGES = ['fr', 'de', 'es', 'it', 'nl', 'pt', 'pl', 'sv', 'da', 'fi', 'nb', 'cs', 'sk', 'hu', 'ro', 'bg', 'el', 'tr', 'ru', 'uk', 'ja', 'ko', 'zh', 'ar', 'he', 'hi', 'th', 'vi', 'id', 'ms'];

  /** A site on the worker engine whose template is big and hardly compresses (random text), in 31 languages: about 2.3 MB after gzip. */
  async function heavySite(domain: string, accountId: string): Promise<CloudflareSite> {
    const { site } = await workerSite(domain, accountId);
    const template = `<html><body><h1>{{title}}</h1><p>{{message}}</p><p>${randomBytes(70_000).toString('base64').slice(0, 93_000)}</p></body></html>`;
    const translations = Object.fromEntries(LANGUAGES.map((language) => [language, { title: `${domain} (${language})` }]));
    return (await ctx.siteSettings.update(site, { page: { template, translations } }, ACTOR)).site;
  }

  it('refuses before uploading a site that would take the script past the Free plan limit, naming the size and the limit; the sites already in stay', async () => {
    const account = newAccount();
    const first = await heavySite('heavy-one.com', account);
    await ctx.maintenance.enableMaintenance(first, null, ACTOR);
    const deployed = script(account)!;
    const second = await heavySite('heavy-two.com', account);
    const mark = fake.exchanges.length;

    const error = await failure(ctx.maintenance.enableMaintenance(second, null, ACTOR));

    expect(error.kind).toBe('quota');
    expect(error.message).toMatch(
      /The worker script cfm-maintenance of account [0-9a-f]{32} would be \d+\.\d\d MiB after compression \(gzip\), over the 3\.00 MiB Cloudflare allows a Worker on the Workers Free plan \(CLOUDFLARE_WORKERS_PLAN=free\)\. It holds the page of 2 site\(s\) in each of their languages\. Nothing was uploaded\./,
    );
    expect(writesSince(mark)).toEqual([]);
    expect(script(account)).toEqual(deployed);
    expect(await reload(second)).toMatchObject({ maintenanceState: 'off', maintenanceRules: [] });
    expect(await reload(first)).toMatchObject({ maintenanceState: 'on' });
    expect(await inSync(first)).toEqual([{ outcome: 'in_sync', drift: [] }]);

    await ctx.maintenance.disableMaintenance(await reload(first), ACTOR);
    expect(script(account)).toBeUndefined();
  }, 60_000);
});
