import { describe, expect, it } from '@jest/globals';
import { cliSuite } from '../support/cli-suite.js';
import { runCli, type CliResult } from '../support/run-cli.js';

const suite = cliSuite({ defaultKey: true });

function cli(args: string[]): Promise<CliResult> {
  return runCli(args, { env: suite.env });
}

function errorOf(result: CliResult): { kind: string; message: string } {
  return (JSON.parse(result.stdout) as { error: { kind: string; message: string } }).error;
}

const CACHE = [{ id: 'cache_level', value: 'bypass' }];

describe('a failed transition keeps the kind of its cause', () => {
  it('says kind "quota" when the zone has no room, with exit code 1 and nothing written to the zone', async () => {
    const zone = suite.fake.addZone({ name: 'quota-kind.com', plan: 'free' });
    expect((await cli(['sites', 'add', 'quota-kind.com', '--subdomains', 'www,api,shop'])).code).toBe(0);

    const result = await cli(['enable', 'quota-kind.com', '--json']);

    expect(result.code).toBe(1);
    expect(errorOf(result)).toEqual({ kind: 'quota', message: expect.stringMatching(/needs 4 new Page Rule\(s\) but the zone has 3 free/) });
    expect(suite.fake.pageRules(zone.id)).toEqual([]);
  });

  it('says kind "conflict" when the zone\'s own rules hold both spellings of our pattern, with exit code 1', async () => {
    const zone = suite.fake.addZone({ name: 'conflict-kind.com', plan: 'pro' });
    const own = [
      suite.fake.addPageRule(zone.id, { targetValue: '*conflict-kind.com/*', actions: CACHE }),
      suite.fake.addPageRule(zone.id, { targetValue: '*conflict-kind.com/**', actions: CACHE, priority: 2 }),
    ];
    expect((await cli(['sites', 'add', 'conflict-kind.com'])).code).toBe(0);

    const result = await cli(['enable', 'conflict-kind.com', '--json']);

    expect(result.code).toBe(1);
    expect(errorOf(result)).toEqual({ kind: 'conflict', message: expect.stringMatching(/Cloudflare allows one rule per pattern/) });
    expect(suite.fake.pageRules(zone.id)).toHaveLength(2);
    expect(suite.fake.pageRules(zone.id)).toEqual(expect.arrayContaining(own));
  });

  it('keeps a Cloudflare refusal as kind "cloudflare"', async () => {
    const zone = suite.fake.addZone({ name: 'refused-kind.com' });
    expect((await cli(['sites', 'add', 'refused-kind.com'])).code).toBe(0);
    suite.fake.injectFault({ method: 'POST', path: `/zones/${zone.id}/pagerules`, times: 1, fault: { status: 403, code: 10000, message: 'Authentication error' } });

    const result = await cli(['enable', 'refused-kind.com', '--json']);

    expect(result.code).toBe(1);
    expect(errorOf(result)).toEqual({ kind: 'cloudflare', message: expect.stringMatching(/Authentication error \(code 10000\)/) });
  });
});

describe('reconcile over every site after a zone was deleted', () => {
  it('reports a site out of maintenance as consistent, marks one in maintenance out (audited), and exits 0', async () => {
    const gone = suite.fake.addZone({ name: 'deleted-on.com' });
    const goneOff = suite.fake.addZone({ name: 'deleted-off.com' });
    for (const domain of ['deleted-on.com', 'deleted-off.com']) expect((await cli(['sites', 'add', domain])).code).toBe(0);
    expect((await cli(['enable', 'deleted-on.com'])).code).toBe(0);
    suite.fake.removeZone(gone.id);
    suite.fake.removeZone(goneOff.id);
    expect((await cli(['sync-cloudflare'])).code).toBe(0);

    const result = await cli(['reconcile', '--json']);

    expect(result.code).toBe(0);
    const results = (JSON.parse(result.stdout) as { results: { domain: string; outcome: string; repair?: string }[] }).results;
    expect(results.find((entry) => entry.domain === 'deleted-off.com')).toMatchObject({ outcome: 'in_sync' });
    expect(results.find((entry) => entry.domain === 'deleted-on.com')).toMatchObject({ outcome: 'repaired', repair: 'forget_zone' });
    expect(results.every((entry) => entry.outcome !== 'failed')).toBe(true);
    const [site] = await suite.db.dataSource.query(
      `SELECT maintenance_state, maintenance_rules, is_active, inactive_reason FROM cloudflare_sites WHERE domain = 'deleted-on.com'`,
    );
    expect(site).toEqual({ maintenance_state: 'off', maintenance_rules: [], is_active: false, inactive_reason: 'zone_missing' });
    const [log] = await suite.db.dataSource.query(
      `SELECT outcome, reason FROM maintenance_logs WHERE domain = 'deleted-on.com' AND action = 'reconcile'`,
    );
    expect(log).toEqual({ outcome: 'success', reason: expect.stringMatching(/zone was deleted from Cloudflare/) });

    const again = await cli(['reconcile', '--json']);
    expect(again.code).toBe(0);
  }, 180_000);
});
