import pLimit from 'p-limit';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { FakeCloudflare } from '../../test/support/fake-cloudflare/index.js';
import { createTestContext, testEnv, type TestContext } from '../../test/support/test-context.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';

/**
 * A fleet of sites for the benchmarks: the fake Cloudflare over HTTP and a fresh PostgreSQL database (the
 * one the tests use: TEST_DATABASE_URL, DATABASE_URL or postgres://postgres@127.0.0.1:5432/test), seeded
 * through the real services with no latency, then given the latency under test.
 */
export interface Fleet {
  fake: FakeCloudflare;
  db: TestDatabase;
  domains: string[];
  /** The real services, with production retry settings plus `env`. */
  context(env?: Record<string, string>): Promise<TestContext>;
  close(): Promise<void>;
}

export interface FleetOptions {
  sites: number;
  apiKeys: number;
  latencyMs: number;
}

export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const fake = await FakeCloudflare.start();
  const db = await createTestDatabase();
  const contexts: TestContext[] = [];
  const context = async (env: Record<string, string> = {}) => {
    const created = await createTestContext(
      testEnv(db.url, fake.baseURL, { CLOUDFLARE_TIMEOUT_MS: '30000', CLOUDFLARE_MAX_RETRIES: '4', ...env }),
    );
    contexts.push(created);
    return created;
  };

  const seeder = await context({ CLOUDFLARE_RATE_LIMIT_REQUESTS: String(10 * options.sites + 100) });
  for (let key = 0; key < options.apiKeys; key += 1) {
    const token = `cf-bench-token-${key}-0123456789abcdef0123`;
    fake.addToken({ token });
    await seeder.apiKeys.add({ name: `key-${key}`, token, makeDefault: key === 0 });
  }
  const domains = Array.from({ length: options.sites }, (_, i) => `bench-${String(i).padStart(4, '0')}.com`);
  const limit = pLimit(32);
  await Promise.all(
    domains.map((domain, i) =>
      limit(async () => {
        fake.addZone({ name: domain, plan: 'pro' });
        await seeder.sites.add({ domain, apiKeyName: `key-${i % options.apiKeys}` });
      }),
    ),
  );
  fake.setLatency(options.latencyMs);

  return {
    fake,
    db,
    domains,
    context,
    async close() {
      for (const opened of contexts) await opened.close();
      await db.drop();
      await fake.stop();
    },
  };
}

export interface Measured<T> {
  result: T;
  wallMs: number;
  requests: number;
  throttled: number;
}

/** Wall time, requests and 429s the fake saw while `run` ran. */
export async function measure<T>(fake: FakeCloudflare, run: () => Promise<T>): Promise<Measured<T>> {
  const requests = fake.exchanges.length;
  const throttled = fake.count429();
  const started = performance.now();
  const result = await run();
  return { result, wallMs: performance.now() - started, requests: fake.exchanges.length - requests, throttled: fake.count429() - throttled };
}

/** `--name value` options with numeric defaults, e.g. `npm run bench:bulk -- --sites 200`. */
export function numericOptions<Names extends string>(defaults: Record<Names, number>): Record<Names, number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: Object.fromEntries(Object.keys(defaults).map((name) => [name, { type: 'string' as const }])),
  });
  const parsed = { ...defaults };
  for (const [name, value] of Object.entries(values)) {
    const number = Number(value);
    if (!Number.isFinite(number) || number <= 0) throw new Error(`--${name} must be a positive number, not "${String(value)}"`);
    parsed[name as Names] = number;
  }
  return parsed;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

export function outcomeSummary(counts: { done: number; skipped: number; failed: number }): string {
  return `${counts.done} done, ${counts.skipped} skipped, ${counts.failed} failed`;
}
