import { beforeAll, describe, expect, it } from '@jest/globals';
import type { BulkReport } from '../../src/maintenance/bulk-operations.service.js';
import type { FakeCloudflare } from '../support/fake-cloudflare/index.js';
import { runCli } from '../support/run-cli.js';
import { givenSite } from '../support/scenario.js';
import { serviceSuite } from '../support/service-suite.js';
import type { TestDatabase } from '../support/test-database.js';

const PROCESSES = 3;
const SITES_EACH = 100;
const LIMIT = { requests: 60, windowSeconds: 10 };

const suite = serviceSuite();
let fake: FakeCloudflare;
let db: TestDatabase;
const runs: string[][] = [];

beforeAll(async () => {
  ({ fake, db } = suite);
  for (let run = 0; run < PROCESSES; run += 1) {
    const domains = [];
    for (let i = 0; i < SITES_EACH; i += 1) {
      const domain = `p${run}-site-${String(i).padStart(3, '0')}.test`;
      await givenSite(suite.ctx, fake, domain);
      domains.push(domain);
    }
    runs.push(domains);
  }
  // The set-up's own lookups are long past for the budget, as they would be in real life.
  await db.dataSource.query(`DELETE FROM cloudflare_rate_budgets`);
}, 120_000);

describe('three processes, one token', () => {
  it(
    `enable ${SITES_EACH} sites each in ${PROCESSES} CLI processes at once while Cloudflare allows ${LIMIT.requests} per ${LIMIT.windowSeconds} s and our config says 1,200 per 5 minutes`,
    async () => {
      fake.setLatency(10);
      fake.setRateLimit(LIMIT);
      const first = fake.exchanges.length;
      const started = Date.now();

      const results = await Promise.all(runs.map((domains) => runCli(['enable', ...domains, '--json'], { env: suite.env })));

      const wallSeconds = (Date.now() - started) / 1000;
      const exchanges = fake.exchanges.slice(first);
      const accepted = exchanges.filter((exchange) => exchange.status !== 429);
      const throttledAt = exchanges.flatMap((exchange, index) => (exchange.status === 429 ? [index] : []));
      const spanSeconds = (exchanges.at(-1)!.recordedAt! - exchanges[0].recordedAt!) / 1000;
      const boundSeconds = Math.floor((accepted.length - 1) / LIMIT.requests) * LIMIT.windowSeconds;
      const reports = results.map((result) => (result.stdout.startsWith('{') ? (JSON.parse(result.stdout) as BulkReport) : undefined));
      const figures = {
        exitCodes: results.map((result) => result.code),
        failed: reports.map((report) => report?.counts.failed),
        requests: exchanges.length,
        accepted: accepted.length,
        throttled: throttledAt.length,
        firstToLastRequestSeconds: spanSeconds,
        lowerBoundSeconds: boundSeconds,
        ratio: Number((spanSeconds / boundSeconds).toFixed(3)),
        wallSecondsWithCliStart: wallSeconds,
      };
      process.stdout.write(`three processes, one token: ${JSON.stringify(figures)}\n`);

      for (const result of results) expect(result).toMatchObject({ code: 0, stderr: '' });
      for (const report of reports) expect(report?.counts).toEqual({ total: SITES_EACH, done: SITES_EACH, skipped: 0, failed: 0 });
      // 429s only at the first contact: one unbroken run, before Cloudflare's quota had ever been reset.
      if (throttledAt.length > 0) {
        expect(throttledAt.at(-1)! - throttledAt[0]).toBe(throttledAt.length - 1);
        expect(throttledAt[0]).toBeLessThanOrEqual(LIMIT.requests);
      }
      expect(spanSeconds).toBeGreaterThanOrEqual(boundSeconds);
      expect(spanSeconds).toBeLessThanOrEqual(1.2 * boundSeconds);
      const zones = fake.zones();
      expect(zones.filter((zone) => fake.pageRules(zone.id).length === 1)).toHaveLength(PROCESSES * SITES_EACH);
    },
    600_000,
  );
});
