import 'reflect-metadata';
import { table } from '../src/cli/cli-output.js';
import { measure, numericOptions, outcomeSummary, seconds, startFleet } from './support/bench-fleet.js';

/**
 * Bulk enable, then bulk disable, of a fleet against the fake Cloudflare with a fixed latency per request,
 * with Cloudflare's own rate limit (1,200 requests per 5 minutes per token) enforced by the fake and known
 * to the client. The sites are spread over several API keys so that the budget does not bind and the
 * wall time shows what the concurrency gives: ideal = requests × latency ÷ concurrency.
 */
const options = numericOptions({ sites: 500, keys: 5, latency: 50, concurrency: 16 });
const fleet = await startFleet({ sites: options.sites, apiKeys: options.keys, latencyMs: options.latency });
let failed = 0;
try {
  fleet.fake.setRateLimit({ requests: 1200, windowSeconds: 300 });
  const ctx = await fleet.context({ BULK_CONCURRENCY: String(options.concurrency) });
  const sites = await ctx.selection.select({ all: true });
  const rows = [];
  for (const action of ['enable', 'disable'] as const) {
    const { result, wallMs, requests, throttled } = await measure(fleet.fake, () => ctx.bulk.run(action, sites, { actor: 'bench' }));
    const idealMs = (requests * options.latency) / options.concurrency;
    failed += result.counts.failed;
    rows.push([action, sites.length, requests, options.concurrency, seconds(wallMs), seconds(idealMs), (wallMs / idealMs).toFixed(2), throttled, outcomeSummary(result.counts)]);
  }
  process.stdout.write(
    `Bulk enable + disable: ${options.sites} sites over ${options.keys} API keys, fake latency ${options.latency} ms per request, ` +
      'rate limit 1,200 requests / 300 s per token (fake and client)\n',
  );
  process.stdout.write(
    `${table(['Action', 'Sites', 'Requests', 'Concurrency', 'Wall time', 'Ideal (req × latency ÷ conc.)', 'Wall ÷ ideal', '429s', 'Outcome'], rows)}\n`,
  );
} finally {
  await fleet.close();
}
if (failed > 0) process.exitCode = 1;
