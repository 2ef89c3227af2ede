import { afterEach, describe, expect, it } from '@jest/globals';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  type EmbeddedDatabase,
  EmbeddedDatabaseBusyError,
  openEmbeddedDatabase,
} from '../../src/database/embedded/index.js';
import { finish, startWorker, type Worker, type WorkerEvent } from '../support/embedded-processes.js';

const TRANSACTIONS = 6;
const ROWS_PER_TRANSACTION = 4;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function freshDataDir(): Promise<string> {
  const dir = await fs.mkdtemp(join(tmpdir(), 'embedded-db-'));
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

function worker(config: Record<string, unknown>): Worker {
  const started = startWorker(config);
  cleanups.push(async () => {
    if (started.child.exitCode === null && started.child.signalCode === null) started.child.kill('SIGKILL');
  });
  return started;
}

function inserter(dataDir: string, role: 'server' | 'cli', label: string): Worker {
  return worker({ mode: 'insert', dataDir, role, label, transactions: TRANSACTIONS, rowsPerTransaction: ROWS_PER_TRANSACTION });
}

async function stopServer(server: Worker): Promise<void> {
  server.child.kill('SIGTERM');
  await server.waitFor('closed');
  await finish(server);
}

/** Checks everything each inserter committed is there exactly once, nothing rolled back is, and the index is sound. */
async function verifyInserts(dataDir: string, labels: string[]): Promise<WorkerEvent> {
  const verified = await finish(worker({ mode: 'verify', dataDir }));
  const perTransaction = ROWS_PER_TRANSACTION;
  expect(verified.owner).toBe(true);
  expect(verified.total).toBe(labels.length * TRANSACTIONS * perTransaction);
  expect(verified.distinctIds).toBe(verified.total);
  expect(verified.perWorker).toEqual(
    labels.sort().map((worker) => ({
      worker,
      rows: TRANSACTIONS * perTransaction,
      distinctSeqs: TRANSACTIONS * perTransaction,
      minSeq: 0,
    })),
  );
  // Read-modify-write under pg_advisory_xact_lock: no increment lost.
  expect(verified.counter).toBe(labels.length * TRANSACTIONS);
  expect(verified.amcheck).toBe(true);
  return verified;
}

describe('openEmbeddedDatabase', () => {
  it('serves a server and 8 CLIs started at once without losing or duplicating rows', async () => {
    const dataDir = await freshDataDir();
    const server = worker({ mode: 'serve', dataDir, role: 'server' });
    const labels = Array.from({ length: 8 }, (_, i) => `cli-${i}`);
    const clis = labels.map((label) => inserter(dataDir, 'cli', label));

    const done = await Promise.all(clis.map(finish));
    const ready = await server.waitFor('ready');
    expect(ready.owner).toBe(true);
    // At most the CLI that got there first owned the folder; once the server waits, CLIs leave the lock to it.
    expect(done.filter((cli) => cli.owner === true).length).toBeLessThanOrEqual(1);
    await stopServer(server);
    expect(existsSync(join(dataDir, 'owner.lock'))).toBe(false);
    await verifyInserts(dataDir, labels);
  });

  it('serialises 8 CLIs started at once with no server: each owns the folder in turn', async () => {
    const dataDir = await freshDataDir();
    const labels = Array.from({ length: 8 }, (_, i) => `cli-${i}`);
    const done = await Promise.all(labels.map((label) => inserter(dataDir, 'cli', label)).map(finish));

    expect(done.map((cli) => cli.owner)).toEqual(labels.map(() => true));
    const spans = done.map((cli) => [cli.openedAt as number, cli.closeStartedAt as number]).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBeGreaterThanOrEqual(spans[i - 1][1]);
    await verifyInserts(dataDir, labels);
  });

  it('takes over from an owner killed with SIGKILL mid-work, keeping what it committed', async () => {
    const dataDir = await freshDataDir();
    const churner = worker({ mode: 'churn', dataDir, role: 'cli', label: 'churn', rowsPerTransaction: ROWS_PER_TRANSACTION });
    await churner.waitFor('ready');
    const committedRows = () =>
      Math.max(0, ...churner.events.filter((e) => e.event === 'committed').map((e) => e.rows as number));
    while (committedRows() < 10 * ROWS_PER_TRANSACTION) await new Promise((resolve) => setTimeout(resolve, 10));
    churner.child.kill('SIGKILL');
    await churner.exited;
    const committed = committedRows();
    const staleLock = JSON.parse(readFileSync(join(dataDir, 'owner.lock'), 'utf8')) as { pid: number };
    expect(staleLock.pid).toBe(churner.child.pid);

    // Four CLIs find the stale lock at once: exactly one removes it, and they all get their turn.
    const labels = ['after-0', 'after-1', 'after-2', 'after-3'];
    const after = await Promise.all(labels.map((label) => inserter(dataDir, 'cli', label)).map(finish));
    expect(after.map((cli) => cli.owner)).toEqual([true, true, true, true]);
    const takeovers = after.flatMap((cli) => cli.logs as string[]).filter((line) => line.includes('removed the stale lock'));
    expect(takeovers).toEqual([expect.stringContaining(`cli (pid ${churner.child.pid}, since `)]);

    const verified = await finish(worker({ mode: 'verify', dataDir }));
    const churned = (verified.perWorker as { worker: string; rows: number; distinctSeqs: number }[]).find((w) => w.worker === 'churn')!;
    // Everything reported committed is there; at most the transaction whose report the kill cut off is extra.
    expect(churned.rows).toBeGreaterThanOrEqual(committed);
    expect(churned.rows).toBeLessThanOrEqual(committed + ROWS_PER_TRANSACTION);
    expect(churned.distinctSeqs).toBe(churned.rows);
    expect(verified.total).toBe(churned.rows + labels.length * TRANSACTIONS * ROWS_PER_TRANSACTION);
    expect(verified.distinctIds).toBe(verified.total);
    expect(verified.counter).toBe(churned.rows / ROWS_PER_TRANSACTION + labels.length * TRANSACTIONS);
    expect(verified.amcheck).toBe(true);
  });

  it('refuses a second server, naming the first; waits a bounded time for a CLI owner, ahead of other CLIs', async () => {
    const dataDir = await freshDataDir();
    const first = worker({ mode: 'serve', dataDir, role: 'server' });
    await first.waitFor('ready');
    const second = openEmbeddedDatabase({ dataDir, role: 'server' });
    await expect(second).rejects.toBeInstanceOf(EmbeddedDatabaseBusyError);
    await expect(second).rejects.toThrow(`server (pid ${first.child.pid}, since `);
    await stopServer(first);

    const cliOwner = worker({ mode: 'serve', dataDir, role: 'cli' });
    await cliOwner.waitFor('ready');
    const started = Date.now();
    const waiting = openEmbeddedDatabase({ dataDir, role: 'server', waitForOwnerMs: 600 });
    await expect(waiting).rejects.toThrow(`cli (pid ${cliOwner.child.pid}, since `);
    await expect(waiting).rejects.toBeInstanceOf(EmbeddedDatabaseBusyError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    expect(existsSync(join(dataDir, 'server.waiting'))).toBe(false);

    // Given time, the server takes over once the CLI is done, and a CLI arriving meanwhile leaves it the lock.
    const server = openEmbeddedDatabase({ dataDir, role: 'server', waitForOwnerMs: 20_000 });
    while (!existsSync(join(dataDir, 'server.waiting'))) await new Promise((resolve) => setTimeout(resolve, 10));
    const lateCli = inserter(dataDir, 'cli', 'late');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await stopServer(cliOwner);
    const served = await server;
    cleanups.push(() => served.close());
    expect(served.owner).toBe(true);
    expect((await finish(lateCli)).owner).toBe(false);
  });

  describe('through the socket', () => {
    let served: Worker;
    let database: EmbeddedDatabase;
    const clients: pg.Client[] = [];

    async function connectClient(): Promise<pg.Client> {
      const client = new pg.Client(database.connection);
      await client.connect();
      clients.push(client);
      return client;
    }

    async function setUp(): Promise<void> {
      const dataDir = await freshDataDir();
      served = worker({ mode: 'serve', dataDir, role: 'server' });
      await served.waitFor('ready');
      database = await openEmbeddedDatabase({ dataDir, role: 'cli' });
      cleanups.push(async () => {
        for (const client of clients.splice(0)) await client.end().catch(() => undefined);
        await database.close();
      });
      expect(database.owner).toBe(false);
      const setup = await connectClient();
      await setup.query('CREATE TABLE tx_probe (name text PRIMARY KEY)');
    }

    it('keeps two concurrent transactions apart and makes advisory xact locks exclusive', async () => {
      await setUp();
      const [a, b, c] = [await connectClient(), await connectClient(), await connectClient()];
      const order: string[] = [];
      const step = async (name: string, client: pg.Client, sql: string) => {
        await client.query(sql);
        order.push(name);
      };

      await step('a:begin', a, 'BEGIN');
      await step('a:lock', a, 'SELECT pg_advisory_xact_lock(7)');
      await step('a:insert', a, "INSERT INTO tx_probe VALUES ('rolled-back')");
      // b's transaction must not start, nor see a's row, until a has ended.
      const bDone = (async () => {
        await step('b:begin', b, 'BEGIN');
        await step('b:lock', b, 'SELECT pg_advisory_xact_lock(7)');
        const seen = await b.query('SELECT count(*)::int AS n FROM tx_probe');
        await step('b:insert', b, "INSERT INTO tx_probe VALUES ('committed')");
        await step('b:commit', b, 'COMMIT');
        return seen.rows[0].n as number;
      })();
      await new Promise((resolve) => setTimeout(resolve, 200));
      await step('a:rollback', a, 'ROLLBACK');
      expect(await bDone).toBe(0);
      expect(order).toEqual(['a:begin', 'a:lock', 'a:insert', 'a:rollback', 'b:begin', 'b:lock', 'b:insert', 'b:commit']);

      const { rows } = await c.query('SELECT name FROM tx_probe ORDER BY name');
      expect(rows).toEqual([{ name: 'committed' }]);
      expect((await c.query('SELECT pg_try_advisory_xact_lock(7) AS free')).rows[0].free).toBe(true);
    });

    it('keeps extended-protocol exchanges of concurrent clients apart, even with large parameters', async () => {
      await setUp();
      // pglite-socket 0.2.17's own queue lets a Parse from one client replace another's unnamed statement here.
      const big = 'x'.repeat(300_000);
      const clientsInUse = [await connectClient(), await connectClient(), await connectClient(), await connectClient()];
      const mismatches: unknown[] = [];
      await Promise.all(
        clientsInUse.map(async (client, i) => {
          for (let k = 0; k < 15; k++) {
            const tag = `${i}-${k}`;
            const { rows } =
              i % 2 === 0
                ? await client.query('SELECT $1::text AS tag, length($2::text) AS size', [tag, big])
                : await client.query('SELECT $1::text AS other, $2::text AS second', [tag, 'small']);
            const got = i % 2 === 0 ? rows[0]?.tag : rows[0]?.other;
            if (got !== tag) mismatches.push(`client ${i} got ${JSON.stringify(rows[0]).slice(0, 60)}`);
          }
        }),
      );
      expect(mismatches).toEqual([]);
    });

    it('rolls back the transaction of a client that disconnects, and lets the others go on', async () => {
      await setUp();
      const a = new pg.Client(database.connection);
      await a.connect();
      const b = await connectClient();
      await a.query('BEGIN');
      await a.query("INSERT INTO tx_probe VALUES ('abandoned')");
      const bInsert = b.query("INSERT INTO tx_probe VALUES ('after')");
      await new Promise((resolve) => setTimeout(resolve, 100));
      await a.end();
      await bInsert;
      expect((await b.query('SELECT name FROM tx_probe')).rows).toEqual([{ name: 'after' }]);
    });
  });
});
