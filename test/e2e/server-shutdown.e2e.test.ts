import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { AdminUsersService } from '../../src/admin-users/admin-users.service.js';
import { MaintenanceLog } from '../../src/logs/maintenance-log.entity.js';
import { ScheduledMaintenance } from '../../src/schedules/scheduled-maintenance.entity.js';
import { CloudflareSite } from '../../src/sites/cloudflare-site.entity.js';
import { AdminClient } from '../support/admin-client.js';
import { runCli } from '../support/run-cli.js';
import { type RunningServer, startServer } from '../support/run-server.js';
import { givenSite } from '../support/scenario.js';
import { serviceSuite } from '../support/service-suite.js';

/**
 * SIGTERM to the built server while site transitions are under way (the fake Cloudflare slowed down so
 * that each takes seconds): those in flight finish, no new one starts, the process ends within the
 * drain bound, and after a restart nothing is left half-done or pending.
 */

const suite = serviceSuite();
const LATENCY_MS = 400;
const DRAIN_SECONDS = 15;
const SITES = 'CloudflareSite';
const USER = { email: 'ops@example.com', password: 'correct horse battery staple' };
const servers: RunningServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
  suite.fake.setLatency(0);
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
});

function serverEnv(drainSeconds = DRAIN_SECONDS) {
  return { ...suite.env, BULK_CONCURRENCY: '2', SCHEDULER_INTERVAL_SECONDS: '1', SHUTDOWN_DRAIN_SECONDS: String(drainSeconds) };
}

async function start(drainSeconds?: number): Promise<RunningServer> {
  const server = await startServer(serverEnv(drainSeconds));
  servers.push(server);
  return server;
}

const siteRepo = () => suite.db.dataSource.getRepository(CloudflareSite);
const logRepo = () => suite.db.dataSource.getRepository(MaintenanceLog);

async function givenSites(prefix: string, count: number): Promise<CloudflareSite[]> {
  const sites: CloudflareSite[] = [];
  for (let index = 0; index < count; index += 1) sites.push((await givenSite(suite.ctx, suite.fake, `${prefix}${index}.com`)).site);
  return sites;
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function states(sites: CloudflareSite[]): Promise<Map<string, string>> {
  const rows = await siteRepo().findBy(sites.map((site) => ({ id: site.id })));
  return new Map(rows.map((row) => [row.domain, row.maintenanceState]));
}

/**
 * Sends SIGTERM once a transition is in flight and checks the promises: the process ends by the signal
 * within the bound; every transition claimed before the signal finished (on, with one successful audit
 * row), none was claimed after it, and no site or audit row is left half-done.
 */
async function terminateMidway(server: RunningServer, sites: CloudflareSite[]) {
  const inFlight = await until('a transition in flight', async () => {
    const rows = await siteRepo().findBy(sites.map((site) => ({ id: site.id, maintenanceState: 'enabling' as const })));
    return rows.length > 0 && rows.map((row) => row.domain);
  });
  const [{ now: signalledAt }] = (await suite.db.dataSource.query('SELECT now()')) as [{ now: Date }];
  const started = Date.now();
  const exited = server.stop();
  const { code, signal } = await exited;
  const stopMs = Date.now() - started;

  expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' });
  expect(stopMs).toBeLessThan(DRAIN_SECONDS * 1000);
  const after = await states(sites);
  for (const domain of inFlight) expect({ domain, state: after.get(domain) }).toEqual({ domain, state: 'on' });
  expect([...after.values()].filter((state) => state === 'enabling' || state === 'disabling')).toEqual([]);
  const logs = await logRepo().findBy(sites.map((site) => ({ siteId: site.id })));
  expect(logs.filter((log) => log.outcome === 'pending')).toEqual([]);
  // A claim writes its audit row at once: none may be newer than the signal (a small margin for its delivery).
  const late = logs.filter((log) => log.createdAt.getTime() > signalledAt.getTime() + 100);
  expect(late.map((log) => `${log.domain} ${log.action} ${log.outcome} at ${log.createdAt.toISOString()}`)).toEqual([]);
  for (const log of logs) expect({ domain: log.domain, outcome: log.outcome }).toEqual({ domain: log.domain, outcome: 'success' });
  const on = [...after.entries()].filter(([, state]) => state === 'on').map(([domain]) => domain);
  expect(on.length).toBeLessThan(sites.length);
  expect(server.output()).toMatch(/SIGTERM: starting no new operation/);
  expect(server.output()).toMatch(/Every operation in flight has finished/);
  return { inFlight, on, stopMs };
}

describe('SIGTERM to the server in the middle of an operation', () => {
  it('an admin bulk enable: the sites in flight finish, the others are refused, nothing is left pending', async () => {
    await new AdminUsersService(suite.db.dataSource).create(USER);
    const sites = await givenSites('admin-drain', 8);
    const server = await start();
    const client = new AdminClient(server.url, { 'x-forwarded-proto': 'https' });
    expect((await client.login(USER.email, USER.password)).status).toBe(302);
    suite.fake.setLatency(LATENCY_MS);

    const answer = client.bulkAction(SITES, sites.map((site) => site.id), 'bulkEnable', { reason: 'release' });
    const { on, stopMs } = await terminateMidway(server, sites);
    const { notice } = await answer;
    expect(notice.message).toMatch(new RegExp(`^Enable maintenance on 8 site\\(s\\): ${on.length} done, 0 unchanged, ${8 - on.length} failed\\.`));
    expect(notice.message).toMatch(/shutting down and starts no new operation/);
    console.log(`admin bulk enable: SIGTERM with transitions in flight; the server stopped after ${stopMs} ms, ${on.length} of 8 sites on`);

    suite.fake.setLatency(0);
    await start();
    const afterRestart = await states(sites);
    expect([...afterRestart.values()].filter((state) => state !== 'on' && state !== 'off')).toEqual([]);
    expect(await logRepo().countBy({ outcome: 'pending' })).toBe(0);
  });

  it('a scheduled window start: the sites in flight finish, the rest start after the restart, the window never fails', async () => {
    const sites = await givenSites('window-drain', 6);
    await start();
    suite.fake.setLatency(LATENCY_MS);
    const window = await suite.ctx.schedules.create(
      { title: 'Drained', sites: sites.map((site) => site.domain), start: new Date(Date.now() + 1500), durationMinutes: 30 },
      'test',
    );

    const { on, stopMs } = await terminateMidway(servers[0]!, sites);
    const stopped = await suite.db.dataSource.getRepository(ScheduledMaintenance).findOneByOrFail({ id: window.id });
    expect({ status: stopped.status, claimedBy: stopped.claimedBy }).toEqual({ status: 'active', claimedBy: null });
    console.log(`scheduled window start: SIGTERM with transitions in flight; the server stopped after ${stopMs} ms, ${on.length} of 6 sites on`);

    suite.fake.setLatency(0);
    await start();
    await until('every site of the window in maintenance', async () => [...(await states(sites)).values()].every((state) => state === 'on'));
    expect(await logRepo().countBy({ outcome: 'pending' })).toBe(0);
    const windowNow = await suite.db.dataSource.getRepository(ScheduledMaintenance).findOneByOrFail({ id: window.id });
    expect(windowNow.status).toBe('active');
  });

  it('stops at the drain bound when a transition takes longer, and reconcile then finishes what it left', async () => {
    const sites = await givenSites('slow-drain', 1);
    const server = await start(1);
    suite.fake.setLatency(4000);
    const window = await suite.ctx.schedules.create({ title: 'Slow', sites: [sites[0]!.domain], start: new Date(Date.now() + 1000), durationMinutes: 30 }, 'test');
    await until('the transition in flight', async () => (await states(sites)).get(sites[0]!.domain) === 'enabling');

    const started = Date.now();
    expect(await server.stop()).toEqual({ code: null, signal: 'SIGTERM' });
    const stopMs = Date.now() - started;

    // One second of drain, then the application closes (a Cloudflare request may still be on its way).
    expect(stopMs).toBeLessThan(1000 + 5000);
    expect(server.output()).toMatch(/Stopping with work unfinished after 1 s \(SHUTDOWN_DRAIN_SECONDS\): slow-drain0\.com, window "Slow" still held/);
    expect((await states(sites)).get(sites[0]!.domain)).toBe('enabling');
    console.log(`drain bound of 1 s with a 4 s Cloudflare latency: the server stopped after ${stopMs} ms`);

    suite.fake.setLatency(0);
    await start();
    await until('the window to take the site over and enable it', async () => (await states(sites)).get(sites[0]!.domain) === 'on');
    const reconciled = await runCli(['reconcile', sites[0]!.domain, '--json'], { env: suite.env });
    expect(reconciled.code).toBe(0);
    expect(await logRepo().countBy({ siteId: sites[0]!.id, outcome: 'pending' })).toBe(0);
    expect((await states(sites)).get(sites[0]!.domain)).toBe('on');
    expect((await suite.db.dataSource.getRepository(ScheduledMaintenance).findOneByOrFail({ id: window.id })).status).toBe('active');
  });
});
