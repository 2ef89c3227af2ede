import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import pLimit from 'p-limit';
import { ApiClient } from '../support/api-client.js';
import { runCli } from '../support/run-cli.js';
import { type RunningServer, startServer } from '../support/run-server.js';
import { serviceSuite } from '../support/service-suite.js';

const SITES = 500;
const suite = serviceSuite();
let server: RunningServer;
let api: ApiClient;
let token: string;
let serverEnv: Record<string, string>;
const clients: ApiClient[] = [];

async function startApiServer(): Promise<void> {
  server = await startServer(serverEnv);
  api = await ApiClient.connect(server.url);
  clients.push(api);
}

interface OperationView {
  id: string;
  status: string;
  counts: { total: number; pending: number; done: number; skipped: number; failed: number };
  sites: { domain: string; outcome: string; message: string | null }[];
}

/** Follows the operation through GET /operations/{id} until `until` holds; every answer is checked against the document. */
async function follow(id: string, until: (operation: OperationView) => boolean, timeoutMs = 240_000): Promise<OperationView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await api.request('GET', `/api/v1/operations/${id}`, { token });
    expect(answer.status).toBe(200);
    const operation = answer.body as OperationView;
    if (until(operation)) return operation;
    if (operation.status !== 'running') throw new Error(`Operation ${id} ended ${operation.status} (${JSON.stringify(operation.counts)}) before the awaited point`);
    if (Date.now() > deadline) throw new Error(`Operation ${id} is ${operation.status} (${JSON.stringify(operation.counts)}) after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function rulesInCloudflare(): Map<string, number> {
  return new Map(suite.fake.zones().map((zone) => [zone.name, suite.fake.pageRules(zone.id).length]));
}

beforeAll(async () => {
  // Seeding calls Cloudflare once a site; the budget shared through the database must not make it wait.
  serverEnv = { ...suite.env, API_RATE_LIMIT_PER_MINUTE: '100000', CLOUDFLARE_RATE_LIMIT_REQUESTS: '100000', SCHEDULER_ENABLED: 'false' };
  const limit = pLimit(32);
  await Promise.all(
    Array.from({ length: SITES }, (_, i) => `fleet-${String(i).padStart(3, '0')}.com`).map((domain) =>
      limit(async () => {
        suite.fake.addZone({ name: domain });
        await suite.ctx.sites.add({ domain });
      }),
    ),
  );
  ({ token } = await suite.ctx.apiTokens.create({ name: 'pipeline', role: 'operator' }));
  await startApiServer();
}, 300_000);

afterEach(() => {
  for (const client of clients) expect(client.violations()).toEqual([]);
});

afterAll(async () => {
  await server?.stop();
});

describe('bulk operations through the API', () => {
  it(`enables ${SITES} sites in one operation, followed to its end through GET /operations/{id}`, async () => {
    const started = await api.request('POST', '/api/v1/operations', { token, body: { action: 'enable', selector: { all: true }, reason: 'Release 42' } });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ action: 'enable', status: 'running', actor: 'api:pipeline', reason: 'Release 42', counts: { total: SITES } });

    const seen = new Set<number>();
    const finished = await follow(started.body.id as string, (operation) => {
      seen.add(operation.counts.done);
      return operation.status !== 'running';
    });
    expect(finished).toMatchObject({ status: 'completed', counts: { total: SITES, pending: 0, done: SITES, skipped: 0, failed: 0 } });
    expect(finished.sites.every((site) => site.outcome === 'done' && site.message?.endsWith('is in maintenance.'))).toBe(true);
    expect(seen.size).toBeGreaterThan(2); // progress was visible while it ran, not only at the end
    expect([...rulesInCloudflare().values()].every((count) => count === 1)).toBe(true);
    const [audit] = await suite.db.dataSource.query<{ count: string }[]>(
      `SELECT count(*) FROM maintenance_logs WHERE action = 'enable' AND outcome = 'success' AND actor = 'api:pipeline'`,
    );
    expect(Number(audit.count)).toBe(SITES);
  }, 300_000);

  it('marks an operation cut short by a server crash interrupted; reconcile then leaves every site consistent', async () => {
    suite.fake.setLatency(40);
    const started = await api.request('POST', '/api/v1/operations', { token, body: { action: 'disable', selector: { inMaintenance: true } } });
    expect(started.status).toBe(202);
    const id = started.body.id as string;
    await follow(id, (operation) => operation.counts.done >= 20);
    server.process.kill('SIGKILL');
    await server.stop();
    suite.fake.setLatency(0);

    await startApiServer();
    const interrupted = await follow(id, () => true);
    expect(interrupted.status).toBe('interrupted');
    expect(interrupted.counts.pending).toBeGreaterThan(0);
    expect(interrupted.counts.done).toBeGreaterThanOrEqual(20);
    expect(interrupted.counts.done + interrupted.counts.pending + interrupted.counts.skipped + interrupted.counts.failed).toBe(SITES);
    expect(server.output()).toContain(id);

    const reconciled = await runCli(['reconcile', '--all', '--json'], { env: serverEnv });
    expect(reconciled.code).toBe(0);
    expect((JSON.parse(reconciled.stdout) as { results: unknown[] }).results).toHaveLength(SITES);
    const sites = await suite.db.dataSource.query<{ domain: string; maintenance_state: string }[]>(`SELECT domain, maintenance_state FROM cloudflare_sites`);
    const rules = rulesInCloudflare();
    const inconsistent = sites.filter(
      (site) => !((site.maintenance_state === 'on' && rules.get(site.domain) === 1) || (site.maintenance_state === 'off' && rules.get(site.domain) === 0)),
    );
    expect(inconsistent).toEqual([]);
    const done = new Set(interrupted.sites.filter((site) => site.outcome === 'done').map((site) => site.domain));
    expect(sites.filter((site) => done.has(site.domain)).every((site) => site.maintenance_state === 'off')).toBe(true);
    const [pending] = await suite.db.dataSource.query<{ count: string }[]>(`SELECT count(*) FROM maintenance_logs WHERE outcome = 'pending'`);
    expect(Number(pending.count)).toBe(0);
  }, 300_000);

  it('ends an operation cut short by a graceful stop as interrupted, its unattempted sites pending', async () => {
    suite.fake.setLatency(40);
    const started = await api.request('POST', '/api/v1/operations', { token, body: { action: 'enable', selector: { all: true } } });
    const id = started.body.id as string;
    await follow(id, (operation) => operation.counts.done >= 10);
    const stopped = await server.stop();
    expect(stopped.signal).toBe('SIGTERM');
    suite.fake.setLatency(0);

    await startApiServer();
    const interrupted = await follow(id, () => true);
    expect(interrupted.status).toBe('interrupted');
    expect(interrupted.counts.pending).toBeGreaterThan(0);
    expect(interrupted.sites.filter((site) => site.outcome === 'failed')).toEqual([]);
    const sites = await suite.db.dataSource.query<{ maintenance_state: string }[]>(`SELECT maintenance_state FROM cloudflare_sites`);
    // The drain let every claimed transition finish: nothing is left half-switched.
    expect(sites.filter((site) => site.maintenance_state !== 'on' && site.maintenance_state !== 'off')).toEqual([]);
  }, 300_000);
});
