import { describe, expect, it } from '@jest/globals';
import { cliSuite } from '../support/cli-suite.js';
import { runCli } from '../support/run-cli.js';

const suite = cliSuite({ defaultKey: true });

const cli = (args: string[]) => runCli(args, { env: suite.env });
let badSites = 0;

async function givenCliSite(domain: string) {
  const zone = suite.fake.addZone({ name: domain });
  expect((await cli(['sites', 'add', domain])).code).toBe(0);
  return zone;
}

describe('maintenance enable --for / --until, and extend', () => {
  it('enable --for 2h puts the site into maintenance now, in a window ending in two hours; extend --by 30m moves the end', async () => {
    const zone = await givenCliSite('cli-timed.com');
    const before = Date.now();
    const enabled = await cli(['enable', 'cli-timed.com', '--for', '2h', '--reason', 'Deploy', '--json']);
    expect(enabled.code).toBe(0);
    const view = JSON.parse(enabled.stdout);
    expect(view).toMatchObject({ status: 'active', timezone: 'UTC', sites: { total: 1, enabled: 1, alreadyOn: 0, failed: 0, failures: [] } });
    const endsAt = Date.parse(view.endsAt);
    expect(endsAt).toBeGreaterThanOrEqual(before + 2 * 3600_000);
    expect(endsAt).toBeLessThanOrEqual(Date.now() + 2 * 3600_000);
    expect(suite.fake.pageRules(zone.id)).toHaveLength(1);

    const extended = await cli(['extend', 'cli-timed.com', '--by', '30m', '--json']);
    expect(extended.code).toBe(0);
    expect(Date.parse(JSON.parse(extended.stdout).endsAt)).toBe(endsAt + 30 * 60_000);
    const text = await cli(['extend', view.windowId, '--by', '1h']);
    expect(text.stdout).toMatch(/^"Maintenance for a set time: cli-timed.com" \(.*\) now ends .*\n$/);
  });

  it('--until a local time with --timezone says when it ends in that zone', async () => {
    await givenCliSite('cli-until.com');
    const enabled = await cli(['enable', 'cli-until.com', '--until', '2099-12-06 03:00', '--timezone', 'Europe/Berlin']);
    // Further than 7 days: refused.
    expect(enabled.code).toBe(2);
    const soon = new Date(Date.now() + 3 * 3600_000);
    const local = soon.toLocaleString('sv-SE', { timeZone: 'Europe/Berlin' }).slice(0, 16);
    const ok = await cli(['enable', 'cli-until.com', '--until', local, '--timezone', 'Europe/Berlin']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^In maintenance until \w+ \d+ \w+ \d{4}, \d\d:\d\d (CET|CEST) \(window [0-9a-f-]{36}\): 1 enabled/);
  });

  it('exits 1 and says so when no site could go into maintenance (the window is failed, nothing to end)', async () => {
    const zone = await givenCliSite('cli-inactive.com');
    expect((await cli(['sites', 'update', 'cli-inactive.com', '--inactive'])).code).toBe(0);
    const result = await cli(['enable', 'cli-inactive.com', '--for', '1h']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^Not in maintenance: window [0-9a-f-]{36} is failed \(0 enabled, 0 already in maintenance \(left as they are at the end\), 1 failed\)\.\n {2}cli-inactive.com: .*inactive/);
    expect(suite.fake.pageRules(zone.id)).toEqual([]);
  });

  it.each([
    ['--for with --until', ['--for', '2h', '--until', '2099-01-01T00:00Z'], /not both/],
    ['a negative duration', ['--for', '-2h'], /Invalid for "-2h"/],
    ['a zero duration', ['--for', '0h'], /more than zero/],
    ['a garbage duration', ['--for', 'two hours'], /Invalid for "two hours"/],
    ['an end in the past', ['--until', '2020-01-01T00:00Z'], /has already passed/],
    ['an unknown timezone', ['--until', '2099-01-01 00:00', '--timezone', 'Nowhere/City'], /Unknown timezone "Nowhere\/City"/],
    ['a timezone alone', ['--timezone', 'Europe/Berlin'], /Give a duration \(for, e\.g\. 2h\) or an end time \(until\)/],
    ['--dry-run', ['--for', '2h', '--dry-run'], /--dry-run cannot be combined/],
  ])('refuses %s with exit 2 and writes nothing', async (_case, args, message) => {
    const domain = `bad-${(badSites += 1)}.com`;
    await givenCliSite(domain);
    const before = await suite.db.snapshot();
    const result = await cli(['enable', domain, ...args]);
    expect([result.code, result.stderr]).toEqual([2, expect.stringMatching(message)]);
    expect(await suite.db.snapshot()).toEqual(before);
  });

  it('extend refuses a bad length, a site with no active window and an unknown window with exit 2', async () => {
    await givenCliSite('cli-idle.com');
    expect((await cli(['extend', 'cli-idle.com', '--by', '30m'])).stderr).toMatch(/No active maintenance window covers cli-idle.com/);
    for (const args of [
      ['extend', 'cli-idle.com', '--by', '30m'],
      ['extend', 'cli-idle.com', '--by', 'later'],
      ['extend', 'cli-idle.com'],
      ['extend', '00000000-0000-4000-8000-000000000000', '--by', '30m'],
    ]) {
      expect([args.join(' '), (await cli(args)).code]).toEqual([args.join(' '), 2]);
    }
  });
});
