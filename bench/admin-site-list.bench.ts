import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright-core';
import { AdminUsersService } from '../src/admin-users/admin-users.service.js';
import { table } from '../src/cli/cli-output.js';
import { AdminClient } from '../test/support/admin-client.js';
import { startServer } from '../test/support/run-server.js';
import { testEnv } from '../test/support/test-context.js';
import { createTestDatabase, type TestDatabase } from '../test/support/test-database.js';
import { numericOptions } from './support/bench-fleet.js';

/**
 * How fast the admin panel's site list answers over a large fleet: sites (and two audit rows each) are seeded
 * with bulk INSERTs, the built server is started on them, and the list API the page calls is timed for the
 * first page, a state filter, a search, a key filter and a deep page; then, when Chromium is installed, the
 * whole page in a browser until its rows are drawn. Nothing here calls Cloudflare.
 * `npm run bench:admin -- --sites 10000 --runs 30 --page-loads 10`.
 */
const options = numericOptions({ sites: 10_000, runs: 30, 'page-loads': 10 });
const USER = { email: 'bench@example.com', password: 'bench password, long enough' };
const CHROMIUM = '/usr/bin/chromium';
const MAIN = resolve('dist/src/main.js');
if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm run bench:admin does).`);

const db = await createTestDatabase();
let stop: (() => Promise<unknown>) | undefined;
try {
  const seedStarted = performance.now();
  const apiKeyId = await seed(db, options.sites);
  await new AdminUsersService(db.dataSource).create(USER);
  const seedMs = performance.now() - seedStarted;

  // As the Dockerfile runs it (minified assets); no Cloudflare is called; plain http, as from a browser on this machine.
  const env = testEnv(db.url, 'http://127.0.0.1:9/client/v4', { PUBLIC_URL: 'http://maintenance.test', NODE_ENV: 'production' });
  const server = await startServer(env, 60_000, MAIN);
  stop = () => server.stop();
  const client = new AdminClient(server.url);
  if ((await client.login(USER.email, USER.password)).status !== 302) throw new Error('could not log in');

  const scenarios: [string, Record<string, string | number>][] = [
    ['first page (20 sites, by domain)', {}],
    ['maintenance state = on', { 'filters.maintenanceState': 'on' }],
    ['search "bench-07" (domain or name)', { 'filters.search': 'bench-07' }],
    ['API key filter', { 'filters.apiKeyId': apiKeyId }],
    ['page 400 (offset 7,980)', { page: 400 }],
  ];
  const rows = [];
  for (const [label, query] of scenarios) {
    const { median, p95, result } = await timed(options.runs, () => client.list('CloudflareSite', query));
    rows.push([label, result.records.length, result.meta.total, ms(median), ms(p95)]);
  }
  const dashboard = await timed(options.runs, () => client.json('/admin/api/dashboard'));
  rows.push(['dashboard API', '', dashboard.result.sites.total, ms(dashboard.median), ms(dashboard.p95)]);

  process.stdout.write(`Admin panel over ${options.sites} sites and ${2 * options.sites} audit rows (seeded in ${ms(seedMs)}), PostgreSQL, ${options.runs} runs each after 3 warm-ups\n`);
  process.stdout.write(`${table(['List API call', 'Rows', 'Matched', 'Median', 'p95'], rows)}\n`);

  if (existsSync(CHROMIUM)) {
    const page = await pageLoads(server.url, options['page-loads']);
    process.stdout.write(`Site list page in Chromium (headless), navigation until its ${page.rows} rows are drawn, ${options['page-loads']} loads: median ${ms(page.median)}, p95 ${ms(page.p95)}\n`);
  } else {
    process.stdout.write(`(no ${CHROMIUM}: the page load in a browser was not measured)\n`);
  }
} finally {
  await stop?.();
  await db.drop();
}

/** Sites in every state, spread over two keys, each with an enable and a disable in the audit log. */
async function seed(database: TestDatabase, count: number): Promise<string> {
  const [primary] = await database.dataSource.query(
    `INSERT INTO cloudflare_api_keys (name, encrypted_token, token_hint, is_default)
     VALUES ('primary', 'v1:never:read:here', 'abcd', true), ('secondary', 'v1:never:read:here', 'wxyz', false)
     RETURNING id`,
  );
  await database.dataSource.query(
    `INSERT INTO cloudflare_sites (name, domain, api_key_id, zone_id, zone_status, include_subdomains, subdomain_list,
                                   maintenance_state, is_active, inactive_reason, maintenance_since)
     SELECT 'Bench site ' || i, 'bench-' || lpad(i::text, 5, '0') || '.com',
            CASE WHEN i % 4 = 0 THEN (SELECT id FROM cloudflare_api_keys WHERE name = 'secondary') ELSE $1::uuid END,
            md5(i::text), 'active', i % 3 <> 0, CASE WHEN i % 3 = 0 THEN ARRAY['www', 'api'] ELSE '{}' END,
            CASE WHEN i % 10 = 0 THEN 'on' WHEN i % 97 = 0 THEN 'needs_reconcile' ELSE 'off' END,
            i % 31 <> 0, CASE WHEN i % 31 = 0 THEN 'operator' END,
            CASE WHEN i % 10 = 0 THEN now() - make_interval(hours => i % 48) END
       FROM generate_series(1, $2::int) AS i`,
    [primary.id, count],
  );
  await database.dataSource.query(
    `INSERT INTO maintenance_logs (site_id, domain, action, outcome, actor, duration_ms, created_at, completed_at)
     SELECT s.id, s.domain, a.action, 'success', 'bench', 800, now() - make_interval(days => a.days_ago), now() - make_interval(days => a.days_ago)
       FROM cloudflare_sites s CROSS JOIN (VALUES ('enable', 3), ('disable', 2)) AS a(action, days_ago)`,
  );
  await database.dataSource.query('ANALYZE');
  return primary.id;
}

async function timed<T>(runs: number, call: () => Promise<T>): Promise<{ median: number; p95: number; result: T }> {
  for (let warmUp = 0; warmUp < 3; warmUp += 1) await call();
  const times: number[] = [];
  let result: T | undefined;
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    result = await call();
    times.push(performance.now() - started);
  }
  return { ...percentiles(times), result: result! };
}

async function pageLoads(baseUrl: string, loads: number): Promise<{ median: number; p95: number; rows: number }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.route(/fonts\.googleapis\.com/, (route) => route.fulfill({ status: 200, contentType: 'text/css', body: '' }));
    await page.goto(`${baseUrl}/admin/login`);
    await page.getByPlaceholder('Email').fill(USER.email);
    await page.getByPlaceholder('Password').fill(USER.password);
    await page.getByRole('button', { name: 'Login' }).click();
    await page.getByTestId('dashboard').waitFor();
    const times: number[] = [];
    for (let load = 0; load <= loads; load += 1) {
      await page.goto('about:blank');
      const started = performance.now();
      await page.goto(`${baseUrl}/admin/resources/CloudflareSite`);
      await page.getByTestId('maintenance-badge').nth(19).waitFor();
      // The first load fills the browser's cache; the others are what an operator sees day to day.
      if (load > 0) times.push(performance.now() - started);
    }
    return { ...percentiles(times), rows: await page.getByTestId('maintenance-badge').count() };
  } finally {
    await browser.close();
  }
}

function percentiles(times: number[]): { median: number; p95: number } {
  const sorted = [...times].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], p95: sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)] };
}

function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}
