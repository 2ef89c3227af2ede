import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { table } from '../src/cli/cli-output.js';
import { FakeCloudflare } from '../test/support/fake-cloudflare/index.js';
import { startServer } from '../test/support/run-server.js';
import { testEnv } from '../test/support/test-context.js';
import { createTestDatabase } from '../test/support/test-database.js';

/**
 * What an operator waits for at each CLI command: `list`, `status <domain>` and `--help`, each started
 * `--runs` times as a fresh process, on PostgreSQL, on the embedded database the CLI opens itself, and beside
 * a running server on the embedded database (the CLI then connects to it), next to the floors measured in the
 * same run: `node -e 0` (starting Node at all), PGlite opening the folder, and a `pg` client's one query to
 * the server. None of these commands calls Cloudflare.
 *
 * `--baseline <checkout>` also times another built checkout's `maintenance` (its package.json `bin`), e.g.
 * main's, in the same run: its runs alternate with ours, so that the load of a shared machine falls on both.
 * `npm run bench:cli -- --runs 10 --baseline ../main`.
 */
const { values } = parseArgs({ args: process.argv.slice(2), options: { runs: { type: 'string' }, baseline: { type: 'string' } } });
const RUNS = Number(values.runs ?? 10);
if (!Number.isInteger(RUNS) || RUNS <= 0) throw new Error(`--runs must be a positive whole number, not "${values.runs}"`);
const ROOT = resolve('.');
const MAIN = resolve('dist/src/main.js');
const builds = [{ name: 'this build', cli: binOf(ROOT) }];
if (values.baseline) builds.push({ name: `baseline (${values.baseline})`, cli: binOf(resolve(values.baseline)) });

/** The floor of the CLI owning the folder: importing PGlite, opening the folder (argv[1]) and closing it. */
const PGLITE_OPEN = `
import { PGlite } from '@electric-sql/pglite';
const db = await PGlite.create(process.argv[1]);
await db.close();
`;

/** The floor of the CLI beside a server: a pg client connecting where the server serves DATA_DIR (argv[1]), for one query. */
const PG_QUERY = `
import { readFileSync } from 'node:fs';
import pg from 'pg';
const { socket } = JSON.parse(readFileSync(process.argv[1] + '/owner.lock', 'utf8'));
const client = new pg.Client({ host: socket.host, port: socket.port, user: socket.user, database: socket.database });
await client.connect();
await client.query('SELECT 1');
await client.end();
`;

const DOMAIN = 'bench-cli.example';
const TOKEN = 'cf-bench-cli-token-0123456789abcdef';
const fake = await FakeCloudflare.start();
fake.addToken({ token: TOKEN });
fake.addZone({ name: DOMAIN });
const db = await createTestDatabase();
const dataDir = await mkdtemp(join(tmpdir(), 'cfm-bench-cli-'));
const rows: string[][] = [];
let floorMs = 0;
let stopServer: (() => Promise<unknown>) | undefined;
try {
  const [nodeAlone] = await timeRuns([[process.execPath, ['-e', '0']]], {});
  floorMs = median(nodeAlone);
  rows.push(row('', 'node -e 0 (floor)', '', nodeAlone));

  const postgres = testEnv(db.url, fake.baseURL);
  await register(postgres);
  await timeCommands('PostgreSQL', postgres);

  // A blank DATABASE_URL counts as unset: the embedded database in DATA_DIR.
  const embedded = testEnv('', fake.baseURL, { DATA_DIR: dataDir });
  await register(embedded);
  const [pgliteOpen] = await timeRuns([[process.execPath, ['--input-type=module', '-e', PGLITE_OPEN, join(dataDir, 'pglite')]]], {});
  rows.push(row('embedded, the CLI alone', 'PGlite open and close (floor)', '', pgliteOpen));
  await timeCommands('embedded, the CLI alone', embedded);

  const server = await startServer({ ...embedded, SCHEDULER_ENABLED: 'false' }, 60_000, MAIN);
  stopServer = () => server.stop();
  const [pgClient] = await timeRuns([[process.execPath, ['--input-type=module', '-e', PG_QUERY, dataDir]]], {});
  rows.push(row('embedded, beside a server', 'a pg client, one query (floor)', '', pgClient));
  await timeCommands('embedded, beside a server', embedded);

  process.stdout.write(`maintenance CLI start-up: ${RUNS} runs of each command, wall time per process\n`);
  process.stdout.write(`${table(['Database', 'Command', 'CLI', 'Median', 'Min', 'Max', 'Median ÷ node -e 0'], rows)}\n`);
} finally {
  await stopServer?.();
  await db.drop();
  await rm(dataDir, { recursive: true, force: true });
  await fake.stop();
}

/** The `maintenance` binary a checkout's package.json names, which its `npm run build` made. */
function binOf(checkout: string): string {
  const { bin } = JSON.parse(readFileSync(join(checkout, 'package.json'), 'utf8')) as { bin: { maintenance: string } };
  const cli = join(checkout, bin.maintenance);
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` in ${checkout} first (npm run bench:cli does it here).`);
  return cli;
}

async function register(env: Record<string, string>): Promise<void> {
  await run(process.execPath, [builds[0].cli, 'api-keys', 'add', 'bench', '--default'], env, `${TOKEN}\n`);
  await run(process.execPath, [builds[0].cli, 'sites', 'add', DOMAIN], env);
}

async function timeCommands(database: string, env: Record<string, string>): Promise<void> {
  for (const args of [['list'], ['status', DOMAIN], ['--help']]) {
    const samples = await timeRuns(builds.map((build) => [process.execPath, [build.cli, ...args]]), env);
    builds.forEach((build, index) => rows.push(row(database, `maintenance ${args.join(' ')}`, build.name, samples[index])));
  }
}

function row(database: string, command: string, cli: string, samples: number[]): string[] {
  const sorted = [...samples].sort((a, b) => a - b);
  const ratio = floorMs ? `${(median(samples) / floorMs).toFixed(1)} ×` : '';
  return [database, command, cli, secondsOf(median(samples)), secondsOf(sorted[0]), secondsOf(sorted.at(-1)!), ratio];
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function secondsOf(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

/**
 * One warm-up run of each command (which also fills Node's compile cache), then `RUNS` rounds in which
 * each command runs once, in turn; the samples of each command, in the order given.
 */
async function timeRuns(commands: [string, string[]][], env: Record<string, string>): Promise<number[][]> {
  for (const [command, args] of commands) await run(command, args, env);
  const samples: number[][] = commands.map(() => []);
  for (let round = 0; round < RUNS; round += 1) {
    for (const [index, [command, args]] of commands.entries()) samples[index].push(await run(command, args, env));
  }
  return samples;
}

/** Resolves with the wall time in ms of a run that exited 0, and fails with its stderr otherwise. */
function run(command: string, args: string[], env: Record<string, string>, stdin = ''): Promise<number> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code) => {
      if (code !== 0) fail(new Error(`${args.join(' ')} exited ${code}: ${stderr}`));
      else done(performance.now() - started);
    });
    child.stdin.end(stdin);
  });
}
