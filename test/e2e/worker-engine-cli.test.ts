import { describe, expect, it } from '@jest/globals';
import { DEFAULT_ACCOUNT_ID } from '../support/fake-cloudflare/index.js';
import { cliSuite } from '../support/cli-suite.js';
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
    const live = JSON.parse((await ok(['status', 'cli-worker.test', '--live', '--json'])).stdout);
    expect(JSON.stringify(live)).toContain('"drift":[]');

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
