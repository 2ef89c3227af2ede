import { beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { cliSuite } from '../support/cli-suite.js';
import { CLI_PATH, runCli } from '../support/run-cli.js';
import { forwardingAction } from '../support/scenario.js';
import { TEST_PUBLIC_URL } from '../support/test-context.js';

const SITES = 30;
const suite = cliSuite({ defaultKey: true });

beforeAll(async () => {
  for (let index = 0; index < SITES; index += 1) {
    suite.fake.addZone({ name: `crash-${index}.com` });
    expect((await runCli(['sites', 'add', `crash-${index}.com`], { env: suite.env })).code).toBe(0);
  }
}, 120_000);

describe('a bulk enable killed with SIGKILL', () => {
  it('leaves nothing that reconcile cannot repair: no orphan rules, no pending audit rows', async () => {
    suite.fake.setLatency(150);
    const child = spawn(process.execPath, [CLI_PATH, 'enable', '--all', '--concurrency', '4', '--json'], {
      env: { PATH: process.env.PATH ?? '', ...suite.env },
      stdio: 'ignore',
    });
    const posts = () => suite.fake.exchanges.filter((exchange) => exchange.method === 'POST').length;
    const pending = async () =>
      Number((await suite.db.dataSource.query(`SELECT count(*) AS n FROM maintenance_logs WHERE outcome = 'pending'`))[0].n);
    // Killed while several sites are mid-request (each request takes 150 ms), so some hold a claim and a pending row.
    while (posts() < 6 || (await pending()) < 2) await sleep(10);
    child.kill('SIGKILL');
    await once(child, 'exit');
    suite.fake.setLatency(0);

    // The kill left unfinished work: claims still held, and audit rows still pending.
    const [before] = await suite.db.dataSource.query(
      `SELECT (SELECT count(*) FROM cloudflare_sites WHERE maintenance_state IN ('enabling', 'disabling')) AS claims,
              (SELECT count(*) FROM maintenance_logs WHERE outcome = 'pending') AS pending`,
    );
    expect(Number(before.claims)).toBeGreaterThan(0);
    expect(Number(before.pending)).toBe(Number(before.claims));

    const reconciled = await runCli(['reconcile', '--json'], { env: suite.env });

    expect(reconciled.code).toBe(0);
    expect(JSON.parse(reconciled.stdout).interruptedLogsClosed).toBe(Number(before.pending));
    const pendingAfter = await suite.db.dataSource.query(`SELECT count(*) AS n FROM maintenance_logs WHERE outcome = 'pending'`);
    expect(Number(pendingAfter[0].n)).toBe(0);
    const sites: { domain: string; zone_id: string; maintenance_state: string; maintenance_rules: { id: string }[] }[] =
      await suite.db.dataSource.query('SELECT domain, zone_id, maintenance_state, maintenance_rules FROM cloudflare_sites');
    for (const site of sites) {
      expect(['on', 'off']).toContain(site.maintenance_state);
      const inZone = suite.fake.pageRules(site.zone_id);
      if (site.maintenance_state === 'on') {
        expect(inZone.map((rule) => rule.id)).toEqual(site.maintenance_rules.map((rule) => rule.id));
        expect(inZone[0]).toMatchObject({ status: 'active', actions: [forwardingAction(`${TEST_PUBLIC_URL}/maintenance?site=${site.domain}`)] });
      } else {
        expect(inZone).toEqual([]);
      }
    }
    expect(suite.fake.violations()).toEqual([]);

    const again = await runCli(['enable', '--all', '--json'], { env: suite.env });
    expect(again.code).toBe(0);
    for (const site of sites) expect(suite.fake.pageRules(site.zone_id)).toHaveLength(1);
  });
});
