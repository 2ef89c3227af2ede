import 'reflect-metadata';
import { table } from '../src/cli/cli-output.js';
import { measure, numericOptions, outcomeSummary, seconds, startFleet } from './support/bench-fleet.js';

/**
 * Bulk enable, then bulk disable, of a fleet under one API key, with the fake's rate limit set to a small
 * budget and the client told the same budget. The budget binds: R requests at N per W seconds cannot end
 * before floor((R − 1) ÷ N) × W, counted from the start of the run, since the budget carries from one action
 * into the next. Defaults: 120 requests / 5 s; `-- --requests 120 --window 30` takes about ten minutes.
 */
const options = numericOptions({ sites: 500, latency: 50, concurrency: 16, requests: 120, window: 5 });
const fleet = await startFleet({ sites: options.sites, apiKeys: 1, latencyMs: options.latency });
let failed = 0;
try {
  const ctx = await fleet.context({
    BULK_CONCURRENCY: String(options.concurrency),
    CLOUDFLARE_RATE_LIMIT_REQUESTS: String(options.requests),
    CLOUDFLARE_RATE_LIMIT_WINDOW_SECONDS: String(options.window),
  });
  fleet.fake.setRateLimit({ requests: options.requests, windowSeconds: options.window });
  const sites = await ctx.selection.select({ all: true });
  const rows = [];
  let requestsSoFar = 0;
  let elapsedMs = 0;
  let throttledSoFar = 0;
  for (const action of ['enable', 'disable'] as const) {
    const { result, wallMs, requests, throttled } = await measure(fleet.fake, () => ctx.bulk.run(action, sites, { actor: 'bench' }));
    requestsSoFar += requests;
    elapsedMs += wallMs;
    throttledSoFar += throttled;
    failed += result.counts.failed;
    const boundMs = Math.floor((requestsSoFar - 1) / options.requests) * options.window * 1000;
    rows.push([action, sites.length, requests, requestsSoFar, seconds(wallMs), seconds(elapsedMs), seconds(boundMs), (elapsedMs / boundMs).toFixed(2), throttledSoFar, outcomeSummary(result.counts)]);
  }
  process.stdout.write(
    `Bulk enable + disable under a small budget: ${options.sites} sites, one API key, fake latency ${options.latency} ms, ` +
      `concurrency ${options.concurrency}, rate limit ${options.requests} requests / ${options.window} s (fake and client)\n`,
  );
  process.stdout.write(
    `${table(['Action', 'Sites', 'Requests', 'Requests so far', 'Wall time', 'Elapsed', 'Budget lower bound', 'Elapsed ÷ bound', '429s so far', 'Outcome'], rows)}\n`,
  );
} finally {
  await fleet.close();
}
if (failed > 0) process.exitCode = 1;
