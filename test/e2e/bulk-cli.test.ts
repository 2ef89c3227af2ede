import { beforeAll, describe, expect, it } from '@jest/globals';
import type { BulkReport } from '../../src/maintenance/bulk-operations.service.js';
import type { FakeCloudflare } from '../support/fake-cloudflare/index.js';
import { runCli } from '../support/run-cli.js';
import { givenSite } from '../support/scenario.js';
import { serviceSuite } from '../support/service-suite.js';
import type { TestDatabase } from '../support/test-database.js';

const suite = serviceSuite();
let fake: FakeCloudflare;
let db: TestDatabase;
const zones = new Map<string, string>();

const cli = (args: string[]) => runCli(args, { env: suite.env });

beforeAll(async () => {
  ({ fake, db } = suite);
  for (const domain of ['one.com', 'two.com', 'three.com', 'four.com', 'five.com']) {
    zones.set(domain, (await givenSite(suite.ctx, fake, domain)).zone.id);
  }
});

describe('maintenance enable|disable|sync over several sites', () => {
  it('enables several named sites and prints only the JSON report with --json', async () => {
    const result = await cli(['enable', 'one.com', 'two.com', 'three.com', '--reason', 'release 7', '--json']);

    expect(result).toMatchObject({ code: 0, stderr: '' });
    const report = JSON.parse(result.stdout) as BulkReport;
    expect(report).toMatchObject({ action: 'enable', dryRun: false, counts: { total: 3, done: 3, skipped: 0, failed: 0 } });
    expect(report.results.map((site) => [site.domain, site.outcome])).toEqual([
      ['one.com', 'done'],
      ['three.com', 'done'],
      ['two.com', 'done'],
    ]);
    for (const domain of ['one.com', 'two.com', 'three.com']) expect(fake.pageRules(zones.get(domain)!)).toHaveLength(1);
  });

  it('shows a dry run of --all and changes nothing', async () => {
    const before = await db.snapshot();
    const exchanges = fake.exchanges.length;

    const result = await cli(['enable', '--all', '--dry-run']);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^five\.com: would enable maintenance: create \*five\.com\/\* forwarding to https:/m);
    expect(result.stdout).toMatch(/^one\.com is already in maintenance; nothing would change\.$/m);
    expect(result.stdout).toMatch(/Dry run of enable over 5 sites: 2 would be done, 3 skipped, 0 would fail\. Nothing was changed\.\n$/);
    expect(await db.snapshot()).toEqual(before);
    expect(fake.exchanges.length).toBe(exchanges);
  });

  it('prints one plain line per finished site on stderr when not on a terminal, and exits 1 when one fails', async () => {
    fake.injectFault({ method: 'POST', path: `/zones/${zones.get('five.com')}/pagerules`, times: Infinity, fault: { status: 403, code: 10000, message: 'Authentication error' } });

    const result = await cli(['enable', '--all', '--concurrency', '2']);

    expect(result.code).toBe(1);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines.map((line) => line.slice(0, 5)).sort()).toEqual(['[1/5]', '[2/5]', '[3/5]', '[4/5]', '[5/5]']);
    expect(lines).toContainEqual(expect.stringMatching(/^\[\d\/5\] one\.com skipped: one\.com is already in maintenance; nothing changed\.$/));
    expect(lines).toContainEqual(expect.stringMatching(/^\[\d\/5\] four\.com done: four\.com is in maintenance\.$/));
    expect(lines).toContainEqual(expect.stringMatching(/^\[\d\/5\] five\.com failed: Enabling maintenance on five\.com failed .*HTTP 403/));
    expect(result.stdout).toMatch(/^Enable maintenance over 5 sites: 1 done, 3 skipped, 1 failed\.\nFailed:\n {2}five\.com: Enabling maintenance/);
    expect(fake.pageRules(zones.get('five.com')!)).toEqual([]);
  });

  it('disables the sites in maintenance, selected with --in-maintenance', async () => {
    const result = await cli(['disable', '--in-maintenance', '--json']);

    expect(result).toMatchObject({ code: 0, stderr: '' });
    const report = JSON.parse(result.stdout) as BulkReport;
    expect(report.counts).toEqual({ total: 4, done: 4, skipped: 0, failed: 0 });
    for (const zoneId of zones.values()) expect(fake.pageRules(zoneId)).toEqual([]);
  });

  it('syncs the zone facts of the selected sites with `maintenance sync`', async () => {
    fake.updateZone(zones.get('two.com')!, { paused: true });

    const result = await cli(['sync', 'one.com', 'two.com']);

    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^\[\d\/2\] two\.com done: two\.com: zonePaused: false → true\.$/m);
    expect(result.stdout).toBe('Sync over 2 sites: 1 done, 1 skipped, 0 failed.\n');
  });

  describe('refuses bad input with exit code 2 before touching any site', () => {
    const cases: [string, string[], RegExp][] = [
      ['unknown domains among known ones', ['enable', 'one.com', 'nosuch-1.com', 'nosuch-2.com'], /Unknown sites nosuch-1\.com, nosuch-2\.com/],
      ['an invalid domain among valid ones', ['disable', 'one.com', 'not a domain'], /Invalid domain "not a domain"/],
      ['an unknown API key', ['enable', '--api-key', 'nosuch'], /Unknown API key "nosuch"/],
      ['a concurrency of zero', ['enable', '--all', '--concurrency', '0'], /Invalid --concurrency "0": expected a whole number from 1 to 256/],
      ['no site and no selector', ['disable', '--dry-run'], /missing required argument 'domain'.*--all/],
    ];

    it.each(cases)('%s', async (_name, args, message) => {
      const before = await db.snapshot();
      const exchanges = fake.exchanges.length;

      const result = await cli(args);

      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe('');
      expect(await db.snapshot()).toEqual(before);
      expect(fake.exchanges.length).toBe(exchanges);
    });

    it('as JSON with --json', async () => {
      const result = await cli(['enable', 'one.com', 'nosuch-1.com', '--json']);
      expect(result.code).toBe(2);
      expect(JSON.parse(result.stdout)).toEqual({ error: { kind: 'not_found', message: expect.stringMatching(/^Unknown site nosuch-1\.com\./) } });
    });
  });
});
