import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { table } from '../src/cli/cli-output.js';
import type { SyncReport } from '../src/sites/site-sync.service.js';
import { FakeCloudflare } from '../test/support/fake-cloudflare/index.js';
import { countQueries } from '../test/support/query-counter.js';
import { createTestContext, testEnv } from '../test/support/test-context.js';
import { createTestDatabase } from '../test/support/test-database.js';
import { measure, numericOptions, seconds } from './support/bench-fleet.js';

/**
 * `sync-cloudflare` over a large account: the first run creates a site per zone, the second finds nothing to
 * change, the third (--force) rewrites every row. SQL statements are counted twice: by the sync itself, and
 * for everything sent through the data source (audit rows and key lookups included). Peak RSS is sampled
 * during each run and covers this whole process, the fake Cloudflare (which checks every answer against the
 * OpenAPI schema) included. `npm run bench:sync -- --zones 2000 --latency 1`.
 */
const options = numericOptions({ zones: 10_000, latency: 50 });
const fake = await FakeCloudflare.start();
const db = await createTestDatabase();
const token = 'cf-bench-sync-token-0123456789abcdef';
fake.addToken({ token });
for (let index = 0; index < options.zones; index += 1) {
  fake.addZone({ name: `sync-${String(index).padStart(5, '0')}.com`, plan: index % 7 === 0 ? 'business' : 'free' });
}
const ctx = await createTestContext(testEnv(db.url, fake.baseURL, { CLOUDFLARE_TIMEOUT_MS: '30000', CLOUDFLARE_MAX_RETRIES: '4' }));
let failed = 0;
try {
  await ctx.apiKeys.add({ name: 'bench', token, makeDefault: true });
  fake.setLatency(options.latency);
  const queries = countQueries(ctx.app.get(DataSource));
  const rows = [];
  for (const [label, force] of [['first sync', false], ['second sync', false], ['--force', true]] as const) {
    queries.reset();
    const peak = sampleRss();
    const { result, wallMs, requests } = await measure(fake, () => ctx.siteSync.syncCloudflare({ actor: 'bench', force }));
    const peakRss = peak.stop();
    failed += result.failed;
    rows.push([label, result.keys.reduce((sum, key) => sum + key.zones, 0), result.pages, requests, seconds(wallMs), result.statements, queries.count, `${(peakRss / 2 ** 20).toFixed(0)} MiB`, counts(result)]);
  }
  process.stdout.write(`sync-cloudflare: ${options.zones} zones, one API key, 50 zones a page, fake latency ${options.latency} ms per request, PostgreSQL\n`);
  process.stdout.write(
    `${table(['Run', 'Zones', 'Pages', 'Requests', 'Wall time', 'SQL (sync)', 'SQL (all)', 'Peak RSS', 'Result'], rows)}\n`,
  );
  process.stdout.write(`Process max RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB\n`);
} finally {
  await ctx.close();
  await db.drop();
  await fake.stop();
}
if (failed > 0) process.exitCode = 1;

function counts(report: SyncReport): string {
  return `${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged, ${report.failed} failed`;
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
