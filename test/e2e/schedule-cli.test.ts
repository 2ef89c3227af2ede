import { describe, expect, it } from '@jest/globals';
import { MaintenanceLog } from '../../src/logs/maintenance-log.entity.js';
import { cliSuite } from '../support/cli-suite.js';
import { runCli } from '../support/run-cli.js';

const suite = cliSuite({ defaultKey: true });

async function cli(args: string[]) {
  return runCli(args, { env: suite.env });
}

async function givenCliSite(domain: string) {
  const zone = suite.fake.addZone({ name: domain });
  expect((await cli(['sites', 'add', domain])).code).toBe(0);
  return zone;
}

describe('maintenance schedule', () => {
  it('adds a window from a local time and a timezone, lists it, and shows it', async () => {
    await givenCliSite('planned.com');
    const added = await cli([
      'schedule', 'add', '--title', 'Sunday upgrade', '--sites', 'planned.com', '--start', '2031-12-07 02:00',
      '--end', '2031-12-07 03:30', '--timezone', 'Europe/Berlin', '--reason', 'Upgrading the database', '--json',
    ]);
    expect(added.code).toBe(0);
    const window = JSON.parse(added.stdout);
    expect(window).toMatchObject({
      title: 'Sunday upgrade',
      status: 'scheduled',
      startsAt: '2031-12-07T01:00:00.000Z',
      endsAt: '2031-12-07T02:30:00.000Z',
      localStart: 'Sunday 7 December 2031, 02:00 CET',
      sites: [{ domain: 'planned.com', execution: 'pending', detail: null }],
    });
    expect(window.createdBy).toMatch(/^cli:/);

    const listed = await cli(['schedule', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('Sunday upgrade');
    const shown = await cli(['schedule', 'show', window.id]);
    expect(shown.stdout).toContain('message: Upgrading the database');
    expect(shown.stdout).toMatch(/planned\.com\s*│\s*pending/);

    const cancelled = await cli(['schedule', 'cancel', window.id]);
    expect(cancelled.code).toBe(0);
    expect((await cli(['schedule', 'list', '--json'])).stdout).not.toContain(window.id);
    expect((await cli(['schedule', 'list', '--all', '--json'])).stdout).toContain(window.id);
  });

  const bad: [string, string[], RegExp][] = [
    ['an end before the start', ['--start', '2031-06-01T03:00Z', '--end', '2031-06-01T02:00Z'], /must be after the start/],
    ['an unknown timezone', ['--start', '2031-06-01 02:00', '--duration', '60', '--timezone', 'Europe/Atlantis'], /Unknown timezone "Europe\/Atlantis"/],
    ['a bad cron expression', ['--start', '2031-06-01T02:00Z', '--duration', '60', '--recurrence', '0 2 * * 8'], /Invalid recurrence "0 2 \* \* 8"/],
    ['an unknown domain', ['--start', '2031-06-01T02:00Z', '--duration', '60', '--sites', 'nowhere.example'], /Unknown site nowhere\.example/],
    ['a bad duration', ['--start', '2031-06-01T02:00Z', '--duration', 'forever'], /Invalid duration "forever"/],
  ];
  it.each(bad)('refuses %s with exit code 2 and writes nothing', async (_name, args, message) => {
    await givenCliSite(`bad-${Math.random().toString(36).slice(2, 8)}.com`).catch(() => undefined);
    const before = await suite.db.snapshot();
    const withSites = args.includes('--sites') ? args : [...args, '--sites', 'planned.com'];
    const result = await cli(['schedule', 'add', '--title', 'Bad', ...withSites]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(await suite.db.snapshot()).toEqual(before);
  });

  it('refuses a missing --title as a usage error', async () => {
    const result = await cli(['schedule', 'add', '--sites', 'planned.com', '--start', '2031-06-01T02:00Z', '--duration', '60']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--title/);
  });
});

describe('maintenance process-scheduled', () => {
  it('run by three processes at once, starts a due window once; --dry-run and --upcoming change nothing', async () => {
    const zones = await Promise.all(['cron-a.com', 'cron-b.com', 'cron-c.com'].map(givenCliSite));
    const start = new Date(Date.now() - 60_000).toISOString();
    const added = JSON.parse(
      (await cli(['schedule', 'add', '--title', 'Cron-driven', '--sites', 'cron-a.com,cron-b.com,cron-c.com', '--start', start, '--duration', '120', '--json'])).stdout,
    );
    const later = new Date(Date.now() + 6 * 3_600_000).toISOString();
    expect((await cli(['schedule', 'add', '--title', 'Tonight', '--sites', 'cron-a.com', '--start', later, '--duration', '30'])).code).toBe(0);

    const dry = await cli(['process-scheduled', '--dry-run', '--upcoming', '12']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`Would start "Cron-driven" (${added.id})`);
    expect(dry.stdout).toContain('Upcoming "Tonight"');
    for (const zone of zones) expect(suite.fake.pageRules(zone.id)).toEqual([]);

    const runs = await Promise.all([1, 2, 3].map(() => cli(['process-scheduled', '--json'])));
    for (const run of runs) expect(run.code).toBe(0);
    const reports = runs.map((run) => JSON.parse(run.stdout));
    const starts = reports.flatMap((report) => report.started);
    expect(starts).toHaveLength(1);
    expect(starts[0]).toMatchObject({ id: added.id, sites: { enabled: 3, failed: 0 } });
    expect(starts[0].lateByMs).toBeGreaterThanOrEqual(60_000);
    for (const zone of zones) expect(suite.fake.pageRules(zone.id)).toHaveLength(1);
    const enables = await suite.db.dataSource.getRepository(MaintenanceLog).findBy({ action: 'enable', outcome: 'success', actor: `schedule:${added.id}` });
    expect(enables).toHaveLength(3);

    const cancelled = await cli(['schedule', 'cancel', added.id]);
    expect(cancelled.code).toBe(0);
    for (const zone of zones) expect(suite.fake.pageRules(zone.id)).toEqual([]);
  });
});
