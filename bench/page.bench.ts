import 'reflect-metadata';
import autocannon from 'autocannon';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { table } from '../src/cli/cli-output.js';
import { startServer } from '../test/support/run-server.js';
import { testEnv } from '../test/support/test-context.js';
import { createTestDatabase, type TestDatabase } from '../test/support/test-database.js';
import { numericOptions } from './support/bench-fleet.js';

/**
 * How many visitors the maintenance page serves: the built server runs on a fresh PostgreSQL database
 * (the tests' server) with `--sites` sites, one in ten in maintenance under an active window; autocannon
 * sends `--connections` concurrent connections to one of those sites' pages for `--duration` seconds, and
 * then to a bare Node `http` server, started by this bench in a process of its own, that answers the same
 * status, headers and bytes without looking at the request. Both are measured `--rounds` times, alternately,
 * after a warm-up; the p99 judged is the median round's, since one round can fall on a neighbour's burst.
 * `npm run bench:page -- --sites 1000 --duration 10 --connections 50 --rounds 3`;
 * PAGE_BENCH_SERVER=/path/to/dist/src/main.js measures another build (e.g. main's) against the same floor.
 */
const options = numericOptions({ sites: 1000, duration: 10, connections: 50, rounds: 3 });
const MAIN = resolve(process.env.PAGE_BENCH_SERVER ?? 'dist/src/main.js');
if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm run bench:page does).`);
const GOAL = { ratio: 0.25, p99Ms: 50 };

const db = await createTestDatabase();
const stops: (() => Promise<unknown>)[] = [];
try {
  const domain = await seed(db, options.sites);
  const server = await startServer(testEnv(db.url, 'http://127.0.0.1:9/client/v4'), 60_000, MAIN);
  stops.push(() => server.stop());
  const pageUrl = `${server.url}/maintenance?site=${domain}`;
  const sample = await fetch(pageUrl);
  const body = Buffer.from(await sample.arrayBuffer());
  if (sample.status !== 503 || !body.includes('Expected back by')) throw new Error(`unexpected page: ${sample.status}\n${body.toString()}`);
  const bare = await startBareServer(sample.status, sample.headers, body);
  stops.push(() => bare.stop());

  await measure(pageUrl, 2);
  await measure(bare.url, 2);
  const page: Result[] = [];
  const floor: Result[] = [];
  for (let round = 0; round < options.rounds; round += 1) {
    floor.push(await measure(bare.url, options.duration));
    page.push(await measure(pageUrl, options.duration));
  }

  const rows = [
    ...floor.map((result, round) => row(`bare http server, round ${round + 1}`, result)),
    ...page.map((result, round) => row(`/maintenance?site=…, round ${round + 1}`, result)),
  ];
  const ratio = sum(page, 'requests') / sum(floor, 'requests');
  const p99 = [...page.map((result) => result.p99)].sort((a, b) => a - b)[Math.floor(page.length / 2)];
  process.stdout.write(
    `Maintenance page (${body.length} bytes) on PostgreSQL, ${options.sites} sites, server ${MAIN}\n` +
      `${options.connections} connections, ${options.duration} s per run, ${options.rounds} rounds, alternately, after a 2 s warm-up each\n`,
  );
  process.stdout.write(`${table(['Target', 'req/s', 'p50', 'p99', 'errors'], rows)}\n`);
  process.stdout.write(
    `Page / bare server: ${(100 * ratio).toFixed(1)} % of the requests (goal ≥ ${100 * GOAL.ratio} %), ` +
      `p99 of the median round ${p99} ms (goal ≤ ${GOAL.p99Ms} ms): ${ratio >= GOAL.ratio && p99 <= GOAL.p99Ms ? 'met' : 'NOT met'}\n`,
  );
} finally {
  for (const stop of stops.reverse()) await stop();
  await db.drop();
}

interface Result {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

async function measure(url: string, duration: number): Promise<Result> {
  const result = await autocannon({ url, connections: options.connections, duration });
  // Anything but the page's own 503 counts as an error.
  const errors = result.errors + result.timeouts + result.non2xx - (result.statusCodeStats?.['503']?.count ?? 0);
  return { requests: result.requests.total, perSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors };
}

function row(label: string, result: Result): (string | number)[] {
  return [label, Math.round(result.perSecond), `${result.p50} ms`, `${result.p99} ms`, result.errors];
}

function sum(results: Result[], field: 'requests'): number {
  return results.reduce((total, result) => total + result[field], 0);
}

/** A Node `http` server in a process of its own, answering every request with these bytes. */
async function startBareServer(status: number, headers: Headers, body: Buffer): Promise<{ url: string; stop(): Promise<void> }> {
  const kept = Object.fromEntries([...headers].filter(([name]) => !['date', 'connection', 'keep-alive'].includes(name)));
  const script = `
    const http = require('node:http');
    const body = Buffer.from(process.env.BODY, 'base64');
    const headers = JSON.parse(process.env.HEADERS);
    const server = http.createServer((request, response) => { response.writeHead(${status}, headers); response.end(body); });
    server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));`;
  const child: ChildProcess = spawn(process.execPath, ['-e', script], {
    env: { BODY: body.toString('base64'), HEADERS: JSON.stringify(kept) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  return {
    url: `http://127.0.0.1:${chunk.toString().trim()}/`,
    async stop() {
      child.kill();
      await once(child, 'exit');
    },
  };
}

/** `count` sites, one in ten in maintenance under an active window; returns the domain of one of those. */
async function seed(database: TestDatabase, count: number): Promise<string> {
  const [key] = await database.dataSource.query<{ id: string }[]>(
    `INSERT INTO cloudflare_api_keys (name, encrypted_token, token_hint, is_default)
     VALUES ('primary', 'v1:never:read:here', 'abcd', true) RETURNING id`,
  );
  await database.dataSource.query(
    `INSERT INTO cloudflare_sites (name, domain, api_key_id, zone_id, zone_status, maintenance_state)
     SELECT 'Bench site ' || i, 'bench-' || lpad(i::text, 5, '0') || '.com', $1::uuid, md5(i::text), 'active',
            CASE WHEN i % 10 = 0 THEN 'on' ELSE 'off' END
       FROM generate_series(1, $2::int) AS i`,
    [key.id, count],
  );
  const [window] = await database.dataSource.query<{ id: string }[]>(
    `INSERT INTO scheduled_maintenances (title, reason, starts_at, ends_at, timezone, status, created_by)
     VALUES ('Bench', 'Upgrading the database & the <b>search</b> index.', now() - interval '1 hour', now() + interval '1 hour',
             'Europe/Berlin', 'active', 'bench')
     RETURNING id`,
  );
  await database.dataSource.query(
    `INSERT INTO scheduled_maintenance_sites (window_id, site_id, execution)
     SELECT $1::uuid, id, 'enabled' FROM cloudflare_sites WHERE maintenance_state = 'on'`,
    [window.id],
  );
  return 'bench-00010.com';
}
