import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { table } from '../src/cli/cli-output.js';
import { FakeCloudflare } from '../test/support/fake-cloudflare/index.js';
import { startServer } from '../test/support/run-server.js';
import { testEnv } from '../test/support/test-context.js';
import { createTestDatabase } from '../test/support/test-database.js';
import { numericOptions } from './support/bench-fleet.js';

/**
 * What an operator waits for at each CLI command: `list`, `status <domain>` and `--help`, each started
 * `--runs` times as a fresh process, on PostgreSQL, on the embedded database the CLI opens itself, and beside
 * a running server on the embedded database (the CLI then connects to it), next to `node -e 0`, the floor of
 * starting Node at all, measured in the same run. None of these commands calls Cloudflare.
 * `npm run bench:cli -- --runs 10`.
 */
const options = numericOptions({ runs: 10 });
const CLI = resolve('dist/src/cli.js');
const MAIN = resolve('dist/src/main.js');
if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm run bench:cli does).`);

const DOMAIN = 'bench-cli.example';
const TOKEN = 'cf-bench-cli-token-0123456789abcdef';
const fake = await FakeCloudflare.start();
fake.addToken({ token: TOKEN });
fake.addZone({ name: DOMAIN });
const db = await createTestDatabase();
const dataDir = await mkdtemp(join(tmpdir(), 'cfm-bench-cli-'));
const rows: string[][] = [];
let stopServer: (() => Promise<unknown>) | undefined;
try {
  rows.push(row('node -e 0', '', await timeRuns(process.execPath, ['-e', '0'], {})));

  const postgres = testEnv(db.url, fake.baseURL);
  await register(postgres);
  await timeCommands('PostgreSQL', postgres);

  // A blank DATABASE_URL counts as unset: the embedded database in DATA_DIR.
  const embedded = testEnv('', fake.baseURL, { DATA_DIR: dataDir });
  await register(embedded);
  await timeCommands('embedded, the CLI alone', embedded);

  const server = await startServer({ ...embedded, SCHEDULER_ENABLED: 'false' }, 60_000, MAIN);
  stopServer = () => server.stop();
  await timeCommands('embedded, beside a server', embedded);

  process.stdout.write(`maintenance CLI start-up: ${options.runs} runs of each command, wall time per process\n`);
  process.stdout.write(`${table(['Database', 'Command', 'Median', 'Min', 'Max', 'Median ÷ node -e 0'], rows)}\n`);
} finally {
  await stopServer?.();
  await db.drop();
  await rm(dataDir, { recursive: true, force: true });
  await fake.stop();
}

async function register(env: Record<string, string>): Promise<void> {
  await runOnce(['api-keys', 'add', 'bench', '--default'], env, `${TOKEN}\n`);
  await runOnce(['sites', 'add', DOMAIN], env);
}

async function timeCommands(database: string, env: Record<string, string>): Promise<void> {
  for (const args of [['list'], ['status', DOMAIN], ['--help']]) {
    rows.push(row(database, `maintenance ${args.join(' ')}`, await timeRuns(process.execPath, [CLI, ...args], env)));
  }
}

function row(database: string, command: string, samples: number[]): string[] {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const floor = rows[0] ? Number.parseFloat(rows[0][2]) : median / 1000;
  return [database, command, secondsOf(median), secondsOf(sorted[0]), secondsOf(sorted.at(-1)!), `${(median / 1000 / floor).toFixed(1)} ×`];
}

function secondsOf(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

/** One warm-up run (which also fills Node's compile cache), then `runs` timed ones. */
async function timeRuns(command: string, args: string[], env: Record<string, string>): Promise<number[]> {
  await run(command, args, env);
  const samples: number[] = [];
  for (let index = 0; index < options.runs; index += 1) samples.push((await run(command, args, env)).ms);
  return samples;
}

async function runOnce(args: string[], env: Record<string, string>, stdin = ''): Promise<void> {
  await run(process.execPath, [CLI, ...args], env, stdin);
}

/** Resolves with the wall time of a run that exited 0, and fails with its stderr otherwise. */
function run(command: string, args: string[], env: Record<string, string>, stdin = ''): Promise<{ ms: number }> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(command, args, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code) => {
      if (code !== 0) fail(new Error(`${args.join(' ')} exited ${code}: ${stderr}`));
      else done({ ms: performance.now() - started });
    });
    child.stdin.end(stdin);
  });
}
