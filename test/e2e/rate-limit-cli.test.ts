import { beforeAll, describe, expect, it } from '@jest/globals';
import type { BulkReport } from '../../src/maintenance/bulk-operations.service.js';
import type { FakeCloudflare } from '../support/fake-cloudflare/index.js';
import { runCli } from '../support/run-cli.js';
import { givenSite } from '../support/scenario.js';
import { serviceSuite } from '../support/service-suite.js';
import type { TestDatabase } from '../support/test-database.js';

const suite = serviceSuite();
let fake: FakeCloudflare;
let db: TestDatabase;
const zoneIds: string[] = [];

beforeAll(async () => {
  ({ fake, db } = suite);
  for (let i = 0; i < 40; i += 1) {
    zoneIds.push((await givenSite(suite.ctx, fake, `a1-z${String(i).padStart(3, '0')}.test`)).zone.id);
  }
});

async function timedRun(args: string[], env: Record<string, string> = {}) {
  const before = { requests: fake.exchanges.length, throttled: fake.count429() };
  const started = Date.now();
  const result = await runCli([...args, '--json'], { env: { ...suite.env, ...env } });
  const figures = {
    seconds: (Date.now() - started) / 1000,
    requests: fake.exchanges.length - before.requests,
    throttled: fake.count429() - before.throttled,
    counts: result.stdout.startsWith('{') ? (JSON.parse(result.stdout) as Partial<BulkReport>).counts : undefined,
  };
  return { result, figures };
}

function budgetRow() {
  return db.dataSource
    .query(`SELECT scale, learned_limit, learned_window_ms, cardinality(sent_at) AS logged FROM cloudflare_rate_budgets`)
    .then((rows: Record<string, unknown>[]) => rows);
}

describe('a Cloudflare limit smaller than the configured budget', () => {
  it('enables 40 sites with default settings while Cloudflare allows 30 requests per 3 s (retry-after: 1), failing none', async () => {
    fake.setRateLimit({ requests: 30, windowSeconds: 3, retryAfterSeconds: 1 });

    const { result, figures } = await timedRun(['enable', '--all']);

    process.stdout.write(`enable of 40 sites against 30 requests / 3 s, retry-after 1: ${JSON.stringify(figures)}, exit ${result.code}\n`);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as BulkReport;
    expect(report.counts).toEqual({ total: 40, done: 40, skipped: 0, failed: 0 });
    // 123 requests at 30 per 3 s cannot take less than 12 s.
    expect(figures.seconds).toBeGreaterThanOrEqual(Math.floor((figures.requests - figures.throttled - 1) / 30) * 3);
    for (const zoneId of zoneIds) expect(fake.pageRules(zoneId)).toHaveLength(1);
    // The policy Cloudflare stated once its quota ran out was adopted, for every process on this database.
    expect(await budgetRow()).toEqual([expect.objectContaining({ learned_limit: 30, learned_window_ms: 3000 })]);
  });

  it('adapts down from a 429 without policy headers (AIMD) and disables the 40 sites, failing none', async () => {
    // Only retry-after, and a budget of 1,200 per 3 s: the client must find the 30 by itself.
    await db.dataSource.query(`DELETE FROM cloudflare_rate_budgets`);
    fake.setRateLimit({ requests: 30, windowSeconds: 3, retryAfterSeconds: 1, policyHeaders: false });

    const { result, figures } = await timedRun(['disable', '--all'], { CLOUDFLARE_RATE_LIMIT_WINDOW_SECONDS: '3' });

    const [row] = await budgetRow();
    process.stdout.write(`disable of 40 sites, no policy headers: ${JSON.stringify({ ...figures, budget: row })}, exit ${result.code}\n`);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as BulkReport).counts).toEqual({ total: 40, done: 40, skipped: 0, failed: 0 });
    expect(figures.throttled).toBeGreaterThan(0);
    expect(row).toMatchObject({ learned_limit: null });
    expect(Number(row.scale)).toBeLessThan(1);
    for (const zoneId of zoneIds) expect(fake.pageRules(zoneId)).toEqual([]);
  });

  it('fails a call only once it has waited CLOUDFLARE_RATE_LIMIT_MAX_WAIT_SECONDS, naming the bound', async () => {
    // A budget of its own: what the tests above taught it (a smaller scale, a learned limit) would pace the
    // repeats by their leftover history instead of by the 429s of this test.
    await db.dataSource.query(`DELETE FROM cloudflare_rate_budgets`);
    fake.setRateLimit();
    fake.injectFault({ method: 'GET', path: `/zones/${zoneIds[0]}`, times: Infinity, fault: { status: 429, code: 971, retryAfterSeconds: 1 } });

    // Each repeat waits for retry-after plus the budget's margin (1 s each for a 300 s window), about 2 s;
    // a bound of 10 s leaves room for at least 3 of them on a loaded machine.
    const { result, figures } = await timedRun(['sync', 'a1-z000.test'], { CLOUDFLARE_RATE_LIMIT_MAX_WAIT_SECONDS: '10' });

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/still rate-limited after waiting 10 s \(CLOUDFLARE_RATE_LIMIT_MAX_WAIT_SECONDS\)/);
    expect(figures.seconds).toBeGreaterThanOrEqual(10);
    expect(figures.throttled).toBeGreaterThanOrEqual(3);
  });
});
