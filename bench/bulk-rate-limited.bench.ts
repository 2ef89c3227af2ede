import 'reflect-metadata';
import { table } from '../src/cli/cli-output.js';
import type { BulkReport } from '../src/maintenance/bulk-operations.service.js';
import type { TestContext } from '../test/support/test-context.js';
import { measure, numericOptions, outcomeSummary, seconds, startFleet } from './support/bench-fleet.js';

/**
 * Bulk enable, then bulk disable, of a fleet under one API key, with the fake's rate limit set to a small
 * budget. The budget binds: R accepted requests at N per W seconds cannot end before floor((R − 1) ÷ N) × W,
 * counted from the start of the run, since the budget carries from one action into the next (the larger of
 * that bound for the fake's limit and for the client's, which the client keeps too). Defaults:
 * 120 requests / 5 s, told to the client too; `--client-requests 1200 --client-window 300` tells the client
 * Cloudflare's usual limit instead, so that it must learn the smaller one. `--processes 3` splits the
 * fleet over three service contexts (each with its own budget object and connection pool, as three
 * processes would have) sharing the database's budget. `-- --requests 120 --window 30` takes ten minutes.
 */
const options = numericOptions({
  sites: 500,
  latency: 50,
  concurrency: 16,
  requests: 120,
  window: 5,
  processes: 1,
  'client-requests': 0,
  'client-window': 0,
});
const fleet = await startFleet({ sites: options.sites, apiKeys: 1, latencyMs: options.latency });
const client = {
  requests: options['client-requests'] || options.requests,
  window: options['client-window'] || options.window,
};
let failed = 0;
try {
  const contexts: TestContext[] = [];
  for (let i = 0; i < options.processes; i += 1) {
    contexts.push(
      await fleet.context({
        BULK_CONCURRENCY: String(options.concurrency),
        CLOUDFLARE_RATE_LIMIT_REQUESTS: String(client.requests),
        CLOUDFLARE_RATE_LIMIT_WINDOW_SECONDS: String(client.window),
      }),
    );
  }
  // The seeding's requests are not part of the run.
  await fleet.db.dataSource.query(`DELETE FROM cloudflare_rate_budgets`);
  fleet.fake.setRateLimit({ requests: options.requests, windowSeconds: options.window });
  const sites = await contexts[0].selection.select({ all: true });
  const shares = contexts.map((_, i) => sites.filter((_site, index) => index % contexts.length === i));
  const rows = [];
  let acceptedSoFar = 0;
  let elapsedMs = 0;
  let throttledSoFar = 0;
  for (const action of ['enable', 'disable'] as const) {
    const { result, wallMs, requests, throttled } = await measure(fleet.fake, () =>
      Promise.all(contexts.map((ctx, i) => ctx.bulk.run(action, shares[i], { actor: 'bench' }))),
    );
    const counts = sum(result);
    acceptedSoFar += requests - throttled;
    elapsedMs += wallMs;
    throttledSoFar += throttled;
    failed += counts.failed;
    const boundMs = Math.max(
      Math.floor((acceptedSoFar - 1) / options.requests) * options.window * 1000,
      Math.floor((acceptedSoFar - 1) / client.requests) * client.window * 1000,
    );
    rows.push([action, sites.length, requests, acceptedSoFar, seconds(wallMs), seconds(elapsedMs), seconds(boundMs), (elapsedMs / boundMs).toFixed(2), throttledSoFar, outcomeSummary(counts)]);
  }
  process.stdout.write(
    `Bulk enable + disable under a small budget: ${options.sites} sites, one API key, ${options.processes} process(es), ` +
      `fake latency ${options.latency} ms, concurrency ${options.concurrency} each, Cloudflare's limit ` +
      `${options.requests} requests / ${options.window} s, the client's ${client.requests} / ${client.window} s\n`,
  );
  process.stdout.write(
    `${table(['Action', 'Sites', 'Requests', 'Accepted so far', 'Wall time', 'Elapsed', 'Lower bound', 'Elapsed ÷ bound', '429s so far', 'Outcome'], rows)}\n`,
  );
} finally {
  await fleet.close();
}
if (failed > 0) process.exitCode = 1;

function sum(reports: BulkReport[]): BulkReport['counts'] {
  return reports.reduce(
    (total, report) => ({
      total: total.total + report.counts.total,
      done: total.done + report.counts.done,
      skipped: total.skipped + report.counts.skipped,
      failed: total.failed + report.counts.failed,
    }),
    { total: 0, done: 0, skipped: 0, failed: 0 },
  );
}
