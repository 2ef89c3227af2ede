import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pLimit from 'p-limit';
import { MaintenanceLog } from '../../src/logs/maintenance-log.entity.js';
import { CloudflareSite } from '../../src/sites/cloudflare-site.entity.js';
import { FakeCloudflare, type FaultRule } from '../support/fake-cloudflare/index.js';
import { forwardingAction, givenDefaultKey, givenSite } from '../support/scenario.js';
import { createTestContext, TEST_PUBLIC_URL, testEnv, type TestContext } from '../support/test-context.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * Every Cloudflare call of enable, disable, sync and reconcile, crossed with every way a call can go
 * wrong, each fault one-shot on the one request it names (method, path and how many matching requests
 * to let through first). After each fault, and again after a reconcile, nothing of ours may be orphaned,
 * no site may contradict its zone, each attempt leaves exactly one finished audit row, and a failure
 * names its step. Prints the table of outcomes.
 */

const actor = 'test:fault-matrix';

const FAULTS: { name: string; rule: Pick<FaultRule, 'fault' | 'afterHandling'> }[] = [
  { name: '429', rule: { fault: { status: 429, retryAfterSeconds: 1 } } },
  { name: '500', rule: { fault: { status: 500 } } },
  { name: '502 HTML', rule: { fault: 'bad-gateway-html' } },
  { name: 'reset', rule: { fault: 'reset' } },
  { name: 'timeout', rule: { fault: 'timeout' } },
  { name: 'invalid JSON', rule: { fault: 'invalid-json' } },
  { name: 'success: false', rule: { fault: 'success-false' } },
  { name: 'lost answer', rule: { fault: 'reset', afterHandling: true } },
];

type Operation = 'enable' | 'disable' | 'sync' | 'reconcile';

interface Case {
  domain: string;
  zoneId: string;
  site: CloudflareSite;
}

interface Call {
  operation: Operation;
  /** What the table calls it. */
  name: string;
  method: string;
  path: (c: Case) => string | RegExp;
  /** Matching requests let through before the faulty one. */
  skip?: number;
  /** Brings the site to where the call is made; no fault is armed yet. */
  prepare: (c: Case) => Promise<void>;
  /** A sentence a failure must contain: the step it names. */
  step: RegExp;
}

const zonePath = (c: Case) => `/zones/${c.zoneId}`;
const rulesPath = (c: Case) => `/zones/${c.zoneId}/pagerules`;
const oneRulePath = (c: Case) => new RegExp(`^/zones/${c.zoneId}/pagerules/[0-9a-f]{32}$`);

let fake: FakeCloudflare;
let db: TestDatabase;
let ctx: TestContext;

const siteRow = (id: string) => db.dataSource.getRepository(CloudflareSite).findOneByOrFail({ id });
const logsOf = (siteId: string) => db.dataSource.getRepository(MaintenanceLog).find({ where: { siteId }, order: { createdAt: 'ASC' } });
const redirectOf = (domain: string) => `${TEST_PUBLIC_URL}/maintenance?site=${domain}`;

const enabled = async (c: Case) => {
  await ctx.maintenance.enableMaintenance(c.site, 'prepared', actor);
  c.site = await siteRow(c.site.id);
};

const CALLS: Call[] = [
  { operation: 'enable', name: 'GET zone', method: 'GET', path: zonePath, prepare: async () => {}, step: /step "read the zone and its Page Rules"/ },
  { operation: 'enable', name: 'GET pagerules', method: 'GET', path: rulesPath, prepare: async () => {}, step: /step "read the zone and its Page Rules"/ },
  { operation: 'enable', name: 'POST rule 1', method: 'POST', path: rulesPath, prepare: async () => {}, step: /step "create rule 1 of 2/ },
  { operation: 'enable', name: 'POST rule 2', method: 'POST', path: rulesPath, skip: 1, prepare: async () => {}, step: /step "create rule 2 of 2/ },
  { operation: 'disable', name: 'GET pagerules', method: 'GET', path: rulesPath, prepare: enabled, step: /step "list the Page Rules"/ },
  { operation: 'disable', name: 'DELETE rule 1', method: 'DELETE', path: oneRulePath, prepare: enabled, step: /step "delete rule 1 of 2/ },
  { operation: 'disable', name: 'DELETE rule 2', method: 'DELETE', path: oneRulePath, skip: 1, prepare: enabled, step: /step "delete rule 2 of 2/ },
  { operation: 'sync', name: 'GET zone', method: 'GET', path: zonePath, prepare: async () => {}, step: /to read zone [0-9a-f]{32}/ },
  {
    operation: 'reconcile',
    name: 'GET pagerules (inspect)',
    method: 'GET',
    path: rulesPath,
    prepare: ruleDeletedByHand,
    step: /could not read the zone/,
  },
  { operation: 'reconcile', name: 'GET zone (re-create)', method: 'GET', path: zonePath, prepare: ruleDeletedByHand, step: /step "read the zone and its Page Rules"/ },
  {
    operation: 'reconcile',
    name: 'GET pagerules (re-create)',
    method: 'GET',
    path: rulesPath,
    skip: 1,
    prepare: ruleDeletedByHand,
    step: /step "read the zone and its Page Rules"/,
  },
  { operation: 'reconcile', name: 'POST rule (re-create)', method: 'POST', path: rulesPath, prepare: ruleDeletedByHand, step: /step "create rule 1 of 1/ },
  {
    operation: 'reconcile',
    name: 'DELETE orphan',
    method: 'DELETE',
    path: (c) => `/zones/${c.zoneId}/pagerules/${fake.pageRules(c.zoneId)[0].id}`,
    prepare: orphanLeftInZone,
    step: /step "remove our rules"/,
  },
];

/** A site in maintenance whose second rule someone deleted in the dashboard. */
async function ruleDeletedByHand(c: Case): Promise<void> {
  await enabled(c);
  fake.deletePageRuleDirectly(c.zoneId, c.site.maintenanceRules[1].id);
}

/** A site out of maintenance with a rule of ours still in its zone (as a lost record would leave). */
async function orphanLeftInZone(c: Case): Promise<void> {
  fake.addPageRule(c.zoneId, { targetValue: `${c.domain}/*`, actions: [forwardingAction(redirectOf(c.domain))], priority: 1 });
}

interface Attempt {
  outcome: 'ok' | 'failed';
  message: string;
  /** Audit rows the attempt should have written. */
  audited: number;
}

async function attempt(call: Call, c: Case): Promise<Attempt> {
  const site = await siteRow(c.site.id);
  const run = async (): Promise<Attempt> => {
    if (call.operation === 'enable') await ctx.maintenance.enableMaintenance(site, 'fault matrix', actor);
    else if (call.operation === 'disable') await ctx.maintenance.disableMaintenance(site, actor);
    else if (call.operation === 'sync') await ctx.siteSync.syncSite(site, actor);
    else {
      const result = await ctx.reconcile.reconcile(site, { actor });
      // A zone that cannot be read is reported without touching anything, so there is nothing to audit.
      const audited = /^could not read the zone/.test(result.message) ? 0 : 1;
      return { outcome: result.outcome === 'repaired' ? 'ok' : 'failed', message: result.message, audited };
    }
    return { outcome: 'ok', message: '', audited: 1 };
  };
  return run().catch((error: Error) => ({ outcome: 'failed', message: error.message, audited: 1 }));
}

/** What the zone holds of ours, against what the database says; empty when they agree. */
async function contradictions(c: Case, { settled }: { settled: boolean }): Promise<string[]> {
  const row = await siteRow(c.site.id);
  const inZone = fake
    .pageRules(c.zoneId)
    .filter((rule) => JSON.stringify(rule.actions).includes(redirectOf(c.domain)))
    .map((rule) => rule.id)
    .sort();
  const recorded = row.maintenanceRules.map((rule) => rule.id).sort();
  const problems: string[] = [];
  const orphaned = inZone.filter((id) => !recorded.includes(id));
  if (orphaned.length) problems.push(`orphaned rule(s) ${orphaned.join(', ')}`);
  const state = row.maintenanceState;
  // A disable stopped half-way leaves the site on with the rules not yet deleted, all recorded.
  if (state === 'on' && (recorded.length === 0 || inZone.join() !== recorded.join())) {
    problems.push(`on, recorded [${recorded.join()}] but zone has [${inZone.join()}]`);
  }
  if (state === 'off' && (inZone.length || recorded.length)) problems.push(`off, recorded [${recorded.join()}], zone has [${inZone.join()}]`);
  if (state === 'enabling' || state === 'disabling') problems.push(`left ${state}`);
  if (state === 'needs_reconcile' && settled) problems.push('still needs_reconcile after reconcile');
  const pending = (await logsOf(c.site.id)).filter((log) => log.outcome === 'pending');
  if (pending.length) problems.push(`${pending.length} pending audit row(s)`);
  return problems;
}

/** The site's stored state and rules, and the zone's rules. */
async function picture(c: Case) {
  const row = await siteRow(c.site.id);
  return { state: row.maintenanceState, recorded: row.maintenanceRules, zone: fake.pageRules(c.zoneId).map((rule) => rule.id) };
}

let sequence = 0;

interface CellResult {
  outcome: string;
  /** Broken promises, each naming the cell; empty when the cell holds. */
  problems: string[];
}

async function runCase(call: Call, fault: (typeof FAULTS)[number]): Promise<CellResult> {
  sequence += 1;
  const domain = `f${sequence}-${call.operation}.test`;
  const { zone, site } = await givenSite(ctx, fake, domain, { subdomains: 'www' });
  const c: Case = { domain, zoneId: zone.id, site };
  await call.prepare(c);
  const before = (await logsOf(site.id)).length;
  const prepared = await picture(c);
  const injected = fake.injectFault({ method: call.method, path: call.path(c), skip: call.skip, ...fault.rule });

  const result = await attempt(call, c);

  const where = `${call.operation} · ${call.name} × ${fault.name}`;
  const problems: string[] = [];
  const check = (holds: boolean, what: string) => holds || problems.push(`${where}: ${what}`);
  // A fault still armed would mean this cell never exercised the call it names.
  check(injected.spent(), 'the fault never fired');
  const audited = (await logsOf(site.id)).length - before;
  check(audited === result.audited, `${audited} audit row(s) for the attempt, expected ${result.audited}`);
  if (result.outcome === 'failed') check(call.step.test(result.message), `the failure does not name its step: ${result.message}`);
  if (result.audited === 0) {
    // Nothing was attempted (the zone could not be read): the prepared drift must be exactly as it was.
    check(JSON.stringify(await picture(c)) === JSON.stringify(prepared), 'changed something without an audit row');
  } else {
    problems.push(...(await contradictions(c, { settled: false })).map((problem) => `${where}: after the fault, ${problem}`));
  }

  const afterFault = (await logsOf(site.id)).length;
  const repaired = await ctx.reconcile.reconcile(await siteRow(site.id), { actor });
  check(repaired.outcome === 'in_sync' || repaired.outcome === 'repaired', `reconcile ${repaired.outcome}: ${repaired.message}`);
  const reconcileRows = (await logsOf(site.id)).length - afterFault;
  check(reconcileRows === (repaired.outcome === 'repaired' ? 1 : 0), `reconcile wrote ${reconcileRows} audit row(s)`);
  problems.push(...(await contradictions(c, { settled: true })).map((problem) => `${where}: after reconcile, ${problem}`));

  const state = (await siteRow(site.id)).maintenanceState;
  const mark = problems.length ? ' ✗' : '';
  if (result.outcome === 'ok') return { outcome: `ok → ${state}${mark}`, problems };
  const step = /step "([^"(]+)/.exec(result.message)?.[1]?.trim() ?? (call.operation === 'sync' ? 'read zone' : 'read the zone');
  return { outcome: `failed at "${step}" → ${state}${repaired.outcome === 'repaired' ? ' (reconciled)' : ''}${mark}`, problems };
}

/**
 * The zone listing of `sync-cloudflare`, one page of which fails; run alone, since every zone list shares the
 * path. The page is named by its query: the pages after the first are asked for at the same time.
 */
const ZONE_LIST_CALLS = [
  { name: 'GET zones page 1', query: { page: '1' }, step: /list zones \(page 1\)/ },
  { name: 'GET zones page 2', query: { page: '2' }, step: /list zones \(page 2\)/ },
];

async function runZoneListCase(call: (typeof ZONE_LIST_CALLS)[number], fault: (typeof FAULTS)[number]): Promise<CellResult> {
  const where = `sync-cloudflare · ${call.name} × ${fault.name}`;
  const problems: string[] = [];
  const check = (holds: boolean, what: string) => holds || problems.push(`${where}: ${what}`);
  const sites = db.dataSource.getRepository(CloudflareSite);
  const inactiveBefore = await sites.countBy({ isActive: false });
  const logs = db.dataSource.getRepository(MaintenanceLog);
  const rowsBefore = await logs.countBy({ domain: '*' });
  const injected = fake.injectFault({ method: 'GET', path: '/zones', query: call.query, ...fault.rule });

  const report = await ctx.siteSync.syncCloudflare({ actor });

  check(injected.spent(), 'the fault never fired');
  const [key] = report.keys;
  const rows = await logs.find({ where: { domain: '*' }, order: { createdAt: 'ASC' } });
  check(rows.length - rowsBefore === 1, `${rows.length - rowsBefore} audit row(s) for the key's run, expected 1`);
  const row = rows.at(-1)!;
  check(row.outcome === (key.error ? 'failed' : 'success'), `audit row ${row.outcome} for a run that ${key.error ? 'failed' : 'succeeded'}`);
  if (key.error) check(call.step.test(key.error) && call.step.test(row.errorMessage ?? ''), `the failure does not name its step: ${key.error}`);
  // An unfinished listing must not be taken for vanished zones.
  check((await sites.countBy({ isActive: false })) === inactiveBefore, 'sites were marked inactive');
  check(report.created === 0 && report.updated === 0, `${report.created} created, ${report.updated} updated`);
  const outcome = key.error ? `failed at "${call.step.source.replace(/\\/g, '')}", nothing marked missing` : `ok, ${key.zones} zones`;
  return { outcome: `${outcome}${problems.length ? ' ✗' : ''}`, problems };
}

beforeAll(async () => {
  fake = await FakeCloudflare.start();
  db = await createTestDatabase();
  ctx = await createTestContext(
    testEnv(db.url, fake.baseURL, {
      CLOUDFLARE_TIMEOUT_MS: '1000',
      CLOUDFLARE_MAX_RETRIES: '2',
      // The matrix makes about a thousand requests in seconds; the budget is not what it tests.
      CLOUDFLARE_RATE_LIMIT_REQUESTS: '100000',
    }),
  );
  await givenDefaultKey(ctx, fake);
});

afterAll(async () => {
  await ctx?.close();
  await db?.drop();
  await fake?.stop();
});

describe('fault matrix: every Cloudflare call of enable, disable, sync and reconcile × every fault', () => {
  it('leaves nothing orphaned or contradictory, audits each attempt once and names the failed step', async () => {
    const outcomes = new Map<string, string>();
    const problems: string[] = [];
    const limit = pLimit(6);
    await Promise.all(
      CALLS.flatMap((call) =>
        FAULTS.map((fault) =>
          limit(async () => {
            const cell = await runCase(call, fault).catch((error: Error): CellResult => ({ outcome: 'crashed ✗', problems: [`${call.operation} · ${call.name} × ${fault.name}: ${error.stack}`] }));
            outcomes.set(`${call.operation} · ${call.name}|${fault.name}`, cell.outcome);
            problems.push(...cell.problems);
          }),
        ),
      ),
    );
    for (const call of ZONE_LIST_CALLS) {
      for (const fault of FAULTS) {
        const cell = await runZoneListCase(call, fault);
        outcomes.set(`sync-cloudflare · ${call.name}|${fault.name}`, cell.outcome);
        problems.push(...cell.problems);
      }
    }

    // Last, every site at once: nothing any cell left behind is still out of line with its zone.
    const everySite = await db.dataSource.getRepository(CloudflareSite).find();
    const final = await ctx.reconcile.reconcileMany(everySite, { actor });
    expect(final.filter((result) => result.outcome !== 'in_sync').map((result) => `${result.domain}: ${result.message}`)).toEqual([]);
    expect(await db.dataSource.getRepository(MaintenanceLog).countBy({ outcome: 'pending' })).toBe(0);
    expect(fake.violations()).toEqual([]);

    const header = `| call | ${FAULTS.map((fault) => fault.name).join(' | ')} |`;
    const rule = `|---|${FAULTS.map(() => '---').join('|')}|`;
    const names = [...CALLS.map((call) => `${call.operation} · ${call.name}`), ...ZONE_LIST_CALLS.map((call) => `sync-cloudflare · ${call.name}`)];
    const rows = names.map((name) => `| ${name} | ${FAULTS.map((fault) => outcomes.get(`${name}|${fault.name}`)).join(' | ')} |`);
    console.log(['Fault matrix: each fault one-shot on the named request; the outcome of the operation → the state of the site after the reconcile that follows:', '', header, rule, ...rows].join('\n'));
    expect(outcomes.size).toBe(names.length * FAULTS.length);
    expect(problems).toEqual([]);
  });
});
