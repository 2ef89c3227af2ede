import { describe, expect, it } from '@jest/globals';
import { DEFAULT_ACCOUNT_ID } from '../support/fake-cloudflare/index.js';
import { cliSuite, refusedWithoutWrites } from '../support/cli-suite.js';
import { runCli, type CliResult } from '../support/run-cli.js';

/** The worker engine through the built CLI, against the fake Cloudflare over HTTP and a real PostgreSQL. */
const suite = cliSuite({ defaultKey: true });
const SCRIPT = 'cfm-maintenance';

function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, { env: { ...suite.env, ...env } });
}

async function ok(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const result = await cli(args, env);
  expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: expect.any(String) });
  return result;
}

describe('the worker engine through the CLI', () => {
  it('says in the --engine help, one line per engine, the plan, the answer, bypass, exclusions and the load on our server', async () => {
    for (const command of [['sites', 'add', '--help'], ['sites', 'update', '--help']]) {
      const help = (await ok(command)).stdout.replace(/\s+/g, ' ');
      expect(help).toMatch(/page_rules: Page Rules, every plan .*302 to the maintenance page; no bypass, no excluded paths; every visitor loads our server/);
      expect(help).toMatch(/redirect_rule: a Single Redirect rule, every plan .*302 .*bypass by IP and secret; excluded paths; every visitor loads our server/);
      expect(help).toMatch(/worker: a Cloudflare Worker, every plan \(Free Workers: 100,000 requests a day per account\); 503 with Retry-After in place; bypass by IP and secret; excluded paths; no load on our server/);
    }
  });

  it("adds a site on the worker engine, puts it into maintenance with the Free plan's warning, shows it live, and takes it out", async () => {
    const zone = suite.fake.addZone({ name: 'cli-worker.test' });
    suite.fake.addWorkerScript(DEFAULT_ACCOUNT_ID, { name: 'their-worker' });
    const theirs = suite.fake.addWorkerRoute(zone.id, { pattern: 'cli-worker.test/api/*', script: 'their-worker' });
    await ok(['sites', 'add', 'cli-worker.test', '--engine', 'worker']);

    const enabled = await ok(['enable', 'cli-worker.test', '--reason', 'database upgrade']);

    expect(enabled.stdout.replace(/\s+/g, ' ')).toMatch(/Warning: the Free Workers plan is assumed .*100,000 requests a day/);
    expect(suite.fake.workerScript(DEFAULT_ACCOUNT_ID, SCRIPT)?.source).toContain('database upgrade');
    const routes = suite.fake.workerRoutes(zone.id);
    expect(routes.filter((route) => route.script === SCRIPT).map((route) => route.pattern).sort()).toEqual(['*.cli-worker.test/*', 'cli-worker.test/*']);
    // Their /api/* route is more specific than our cli-worker.test/*: said at enable and in the live status.
    expect(enabled.stdout.replace(/\s+/g, ' ')).toMatch(/Note: route \S+ \(cli-worker\.test\/api\/\*\) runs the Worker "their-worker" .*requests for the paths \/api\/\* of cli-worker\.test are not in maintenance/);
    const live = JSON.parse((await ok(['status', 'cli-worker.test', '--live', '--json'])).stdout);
    expect(JSON.stringify(live)).toContain(`"drift":[{"kind":"rule_outranked","ruleId":"${theirs.id}"`);

    // The operator who pays for Workers says so: no warning then.
    await ok(['disable', 'cli-worker.test']);
    const paid = await ok(['enable', 'cli-worker.test'], { CLOUDFLARE_WORKERS_PLAN: 'paid' });
    expect(paid.stdout).not.toMatch(/Warning/);
    await ok(['disable', 'cli-worker.test']);

    expect(suite.fake.workerRoutes(zone.id)).toEqual([theirs]);
    expect(suite.fake.workerScript(DEFAULT_ACCOUNT_ID, SCRIPT)).toBeUndefined();
    expect(suite.fake.workerScript(DEFAULT_ACCOUNT_ID, 'their-worker')).toBeDefined();
  });
});

describe('a worker site with no maintenance URL and PUBLIC_URL unset', () => {
  const noPublicUrl = () => Object.fromEntries(Object.entries(suite.env).filter(([name]) => name !== 'PUBLIC_URL'));
  const run = (args: string[]) => runCli(args, { env: noPublicUrl() });
  const succeeds = async (args: string[]) => {
    const result = await run(args);
    expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: expect.any(String) });
    return result;
  };
  const stateOf = async (domain: string) => {
    const [status] = JSON.parse((await succeeds(['status', domain, '--json'])).stdout) as { domain: string; state: string }[];
    expect(status.domain).toBe(domain);
    return status.state;
  };

  it('is enabled, reconciled (a lost route re-created, the site kept in maintenance) and disabled: the Worker sends nobody anywhere', async () => {
    const zone = suite.fake.addZone({ name: 'no-url-worker.test' });
    await succeeds(['sites', 'add', 'no-url-worker.test', '--engine', 'worker']);
    expect((await succeeds(['sites', 'list'])).stdout).toMatch(/no-url-worker\.test .*\(none needed\) .*worker/);

    const dryRun = (await succeeds(['enable', 'no-url-worker.test', '--dry-run'])).stdout;
    expect(dryRun).toMatch(/no-url-worker\.test: would enable maintenance: create Worker route no-url-worker\.test\/\*: 503 from the Worker cfm-maintenance/);
    expect(dryRun).not.toMatch(/forwarding to|: would fail/);
    await succeeds(['enable', 'no-url-worker.test', '--reason', 'no URL needed']);
    expect(await stateOf('no-url-worker.test')).toBe('on');
    const ours = suite.fake.workerRoutes(zone.id).filter((route) => route.script === SCRIPT);
    expect(ours.map((route) => route.pattern).sort()).toEqual(['*.no-url-worker.test/*', 'no-url-worker.test/*']);

    suite.fake.removeWorkerRouteDirectly(zone.id, ours[0].id);
    const reconciled = await succeeds(['reconcile', 'no-url-worker.test', '--json']);
    expect(JSON.parse(reconciled.stdout).results).toEqual([expect.objectContaining({ domain: 'no-url-worker.test', outcome: 'repaired', repair: 'recreate' })]);
    expect(await stateOf('no-url-worker.test')).toBe('on');
    expect(suite.fake.workerRoutes(zone.id).filter((route) => route.script === SCRIPT).map((route) => route.pattern).sort()).toEqual(['*.no-url-worker.test/*', 'no-url-worker.test/*']);

    await succeeds(['disable', 'no-url-worker.test']);
    expect(await stateOf('no-url-worker.test')).toBe('off');
    expect(suite.fake.workerRoutes(zone.id)).toEqual([]);
    expect(suite.fake.workerScript(DEFAULT_ACCOUNT_ID, SCRIPT)).toBeUndefined();
  });

  it('is added even when PUBLIC_URL is on a host it covers (nothing can loop); a switch to page_rules is then refused for the loop', async () => {
    suite.fake.addZone({ name: 'status-host.test' });
    const env = { PUBLIC_URL: 'https://status.status-host.test' };
    await ok(['sites', 'add', 'status-host.test', '--engine', 'worker'], env);
    await succeeds(['enable', 'status-host.test']);
    const loop = /The default maintenance page under PUBLIC_URL \(https:\/\/status\.status-host\.test\) is on status\.status-host\.test, which status-host\.test's own maintenance rule \*status-host\.test\/\* catches/;
    await refusedWithoutWrites(suite, ['sites', 'update', 'status-host.test', '--engine', 'page_rules'], loop, env);
    // A page_rules site is still refused at add, as it always was.
    await refusedWithoutWrites(suite, ['sites', 'add', 'status-host-rules.test'], /which status-host-rules\.test's own maintenance rule \*status-host-rules\.test\/\* catches/, {
      PUBLIC_URL: 'https://status-host-rules.test',
    });
    await succeeds(['disable', 'status-host.test']);
  });

  it('leaves a page_rules site in the same setup refused, with the message it always had, and nothing written', async () => {
    suite.fake.addZone({ name: 'no-url-rules.test' });
    await succeeds(['sites', 'add', 'no-url-rules.test']);
    const message = /no-url-rules\.test has no maintenance URL and PUBLIC_URL is not set, so there is nowhere to send visitors\. Set one with `maintenance sites update no-url-rules\.test --maintenance-url https:\/\/…` or set PUBLIC_URL\./;
    const before = await suite.db.snapshot();
    const refused = await run(['enable', 'no-url-rules.test']);
    expect({ code: refused.code, stderr: refused.stderr }).toEqual({ code: 2, stderr: expect.stringMatching(message) });
    expect(await suite.db.snapshot()).toEqual(before);
  });
});
