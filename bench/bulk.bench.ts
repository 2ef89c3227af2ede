import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { table } from '../src/cli/cli-output.js';
import { measure, numericOptions, outcomeSummary, seconds, startFleet } from './support/bench-fleet.js';

/**
 * Bulk enable, then bulk disable, of a fleet against the fake Cloudflare with a fixed latency per request,
 * with Cloudflare's own rate limit (1,200 requests per 5 minutes per token) enforced by the fake and known
 * to the client. The ideal is the larger of two bounds: what the concurrency allows (requests × latency ÷
 * concurrency), and what the rate limit allows (each key's share of the requests sent as early as a
 * sliding window of 1,200 per 300 s lets them, counting the requests of the action before, plus one
 * latency). With few sites per key the first binds, with many the second.
 */
/** The earliest send times one key's requests could have under a sliding window, across actions. */
class BudgetBound {
  private readonly sent: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Schedules `count` requests from `startedAt` on; returns how long after `startedAt` the last one goes. */
  send(startedAt: number, count: number): number {
    let last = startedAt;
    for (let index = 0; index < count; index += 1) {
      const earlier = this.sent.length - this.limit;
      last = Math.max(startedAt, earlier >= 0 ? this.sent[earlier] + this.windowMs : startedAt);
      this.sent.push(last);
    }
    return last - startedAt;
  }
}

const LIMIT = { requests: 1200, windowSeconds: 300 };
const options = numericOptions({ sites: 500, keys: 5, latency: 50, concurrency: 16 });
const fleet = await startFleet({ sites: options.sites, apiKeys: options.keys, latencyMs: options.latency });
let failed = 0;
try {
  const ctx = await fleet.context({ BULK_CONCURRENCY: String(options.concurrency) });
  // The seeding's requests (one zone lookup per site) are not part of the run: the fake and the bound forget them, so must the client's budget.
  await fleet.db.dataSource.query(`DELETE FROM cloudflare_rate_budgets`);
  fleet.fake.setRateLimit(LIMIT);
  const sites = await ctx.selection.select({ all: true });
  const zero = performance.now();
  const budget = new BudgetBound(LIMIT.requests, LIMIT.windowSeconds * 1000);
  const rows = [];
  for (const action of ['enable', 'disable'] as const) {
    const startedAt = performance.now() - zero;
    const { result, wallMs, requests, throttled } = await measure(fleet.fake, () => ctx.bulk.run(action, sites, { actor: 'bench' }));
    const latencyMs = (requests * options.latency) / options.concurrency;
    const budgetMs = budget.send(startedAt, Math.ceil(requests / options.keys)) + options.latency;
    const idealMs = Math.max(latencyMs, budgetMs);
    failed += result.counts.failed;
    rows.push([
      action,
      sites.length,
      requests,
      options.concurrency,
      seconds(wallMs),
      seconds(latencyMs),
      seconds(budgetMs),
      (wallMs / idealMs).toFixed(2),
      throttled,
      outcomeSummary(result.counts),
    ]);
  }
  process.stdout.write(
    `Bulk enable + disable: ${options.sites} sites over ${options.keys} API keys, fake latency ${options.latency} ms per request, ` +
      'rate limit 1,200 requests / 300 s per token (fake and client)\n',
  );
  process.stdout.write(
    `${table(
      ['Action', 'Sites', 'Requests', 'Concurrency', 'Wall time', 'Bound: req × latency ÷ conc.', 'Bound: rate limit', 'Wall ÷ ideal (the larger bound)', '429s', 'Outcome'],
      rows,
    )}\n`,
  );
} finally {
  await fleet.close();
}
if (failed > 0) process.exitCode = 1;
