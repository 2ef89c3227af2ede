import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DataSource } from 'typeorm';
import { table } from '../src/cli/cli-output.js';
import type { SyncReport } from '../src/sites/site-sync.service.js';
import { countQueries } from '../test/support/query-counter.js';
import { createTestContext, testEnv } from '../test/support/test-context.js';
import { createTestDatabase } from '../test/support/test-database.js';
import { numericOptions, seconds } from './support/bench-fleet.js';
import { FakeCloudflareProcess } from './support/fake-process.js';

/**
 * `sync-cloudflare` over a large account: the first run creates a site per zone, the second finds nothing to
 * change, the third (--force) rewrites every row. Next to each wall time, the floor of reading the pages one
 * after another (requests × latency). SQL statements are counted twice: by the sync itself, and for
 * everything sent through the data source (audit rows, key lookups and the request budget included). The
 * fake Cloudflare runs in a child process, so the peak RSS, sampled every 10 ms during each run, is this
 * process's: the services doing the sync; the heap still in use after a full collection shows what a run
 * keeps (the rest of the peak is garbage not yet collected). `npm run bench:sync -- --zones 2000 --latency 1 --page-concurrency 8`.
 */
const options = numericOptions({ zones: 10_000, latency: 50, 'page-concurrency': 8 });
const fake = await FakeCloudflareProcess.start();
const db = await createTestDatabase();
const token = 'cf-bench-sync-token-0123456789abcdef';
await fake.addToken(token);
await fake.addZones('sync-', options.zones);
const env = testEnv(db.url, fake.baseURL, {
  CLOUDFLARE_TIMEOUT_MS: '30000',
  CLOUDFLARE_MAX_RETRIES: '4',
  SYNC_PAGE_CONCURRENCY: String(options['page-concurrency']),
});
const ctx = await createTestContext(env);
let failed = 0;
try {
  await ctx.apiKeys.add({ name: 'bench', token, makeDefault: true });
  await fake.setLatency(options.latency);
  const queries = countQueries(ctx.app.get(DataSource));
  const idleHeap = heapAfterFullGc();
  const idleRss = process.memoryUsage.rss();
  const rows = [];
  for (const [label, force] of [['first sync', false], ['second sync', false], ['--force', true]] as const) {
    queries.reset();
    const requestsBefore = await fake.requests();
    const peak = sampleRss();
    const started = performance.now();
    const result = await ctx.siteSync.syncCloudflare({ actor: 'bench', force });
    const wallMs = performance.now() - started;
    const peakRss = peak.stop();
    const keptHeap = heapAfterFullGc();
    const requests = (await fake.requests()) - requestsBefore;
    const floorMs = requests * options.latency;
    failed += result.failed + result.keys.filter((key) => !key.complete).length;
    rows.push([
      label,
      result.keys.reduce((sum, key) => sum + key.zones, 0),
      result.pages,
      requests,
      seconds(wallMs),
      seconds(floorMs),
      (floorMs / wallMs).toFixed(1),
      result.statements,
      queries.count,
      `${(peakRss / 2 ** 20).toFixed(0)} MiB`,
      keptHeap === undefined ? 'n/a' : `${(keptHeap / 2 ** 20).toFixed(0)} MiB`,
      counts(result),
    ]);
  }
  process.stdout.write(
    `sync-cloudflare: ${options.zones} zones, one API key, 50 zones a page, ${options['page-concurrency']} pages at a time, ` +
      `fake latency ${options.latency} ms per request (the fake in its own process), PostgreSQL\n`,
  );
  process.stdout.write(
    `${table(
      ['Run', 'Zones', 'Pages', 'Requests', 'Wall time', 'Floor one page after another (req × latency)', 'Floor ÷ wall', 'SQL (sync)', 'SQL (all)', 'Peak RSS', 'Heap in use after, full GC', 'Result'],
      rows,
    )}\n`,
  );
  process.stdout.write(
    `Before the first run (services started, nothing synced): RSS ${(idleRss / 2 ** 20).toFixed(0)} MiB, ` +
      `heap in use ${idleHeap === undefined ? 'n/a' : `${(idleHeap / 2 ** 20).toFixed(0)} MiB`}; ` +
      `process max RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB\n`,
  );
  const cli = await cliSync();
  process.stdout.write(
    `The built CLI as an operator runs it (\`maintenance sync-cloudflare --force\`, a process of its own): ${seconds(cli.wallMs)}, ` +
      `exit ${cli.code}, peak RSS ${cli.peakRss === undefined ? 'n/a (no /proc)' : `${(cli.peakRss / 2 ** 20).toFixed(0)} MiB`}\n`,
  );
  if (cli.code !== 0) failed += 1;
  const violations = await fake.violations();
  if (violations.length) {
    process.stdout.write(`OpenAPI violations: ${violations.slice(0, 5).join('; ')}\n`);
    failed += 1;
  }
} finally {
  await ctx.close();
  await db.drop();
  await fake.stop();
}
if (failed > 0) process.exitCode = 1;

function counts(report: SyncReport): string {
  return `${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged, ${report.failed} failed`;
}

/** The heap still in use after a full collection (what the process holds on to), with `node --expose-gc`. */
function heapAfterFullGc(): number | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return undefined;
  gc();
  return process.memoryUsage().heapUsed;
}

/** The largest resident set seen while a run lasts, sampled every 10 ms. */
function sampleRss(): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

/**
 * `sync-cloudflare --force` through the built CLI, with its peak RSS: the kernel's high-water mark (VmHWM in
 * /proc/<pid>/status), read every 10 ms while the process lives; the last reading misses at most its final 10 ms.
 */
async function cliSync(): Promise<{ wallMs: number; code: number | null; peakRss?: number }> {
  const cliPath = fileURLToPath(new URL('../../../dist/cli/maintenance.js', import.meta.url));
  const started = performance.now();
  const child = spawn(process.execPath, [cliPath, 'sync-cloudflare', '--force', '--json'], { env: { ...process.env, ...env }, stdio: 'ignore' });
  let peakRss: number | undefined;
  const timer = setInterval(() => {
    try {
      const kib = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
      if (kib) peakRss = Number(kib) * 1024;
    } catch {
      // The process has exited, or there is no /proc.
    }
  }, 10);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(timer);
  return { wallMs: performance.now() - started, code, peakRss };
}
