import 'reflect-metadata';
import pLimit from 'p-limit';
import { table } from '../src/cli/cli-output.js';
import { DEFAULT_ACCOUNT_ID } from '../test/support/fake-cloudflare/index.js';
import { measure, numericOptions, outcomeSummary, seconds, startFleet } from './support/bench-fleet.js';

/**
 * Bulk enable of many sites of ONE Cloudflare account on the worker engine, against the fake with a fixed latency
 * per request: every site's operation rebuilds the account's one script from every site of the account in
 * maintenance, so what each rebuild costs (reading and rendering every site's page) is paid again per site.
 * Reports the wall time, the Cloudflare requests and script uploads, and this process's CPU time (the fake
 * runs in it too, at the same cost for every build measured). The client's request budget is raised out of the
 * way (one key would otherwise wait on Cloudflare's 1,200 per 5 minutes, which bench:bulk measures): what is
 * left is our own cost.
 */
/** A default branding as an operator might set it: their own template, and the page in two more languages (three pages a site). */
const TEMPLATE =
  '<html><head><title>{{title}}</title><style>body{font-family:sans-serif;margin:4em}</style></head>' +
  '<body><main><img src="{{logo_url}}" alt=""><h1>{{site}}</h1><p>{{message}}</p><p>{{ends_at}}</p><a href="{{contact_url}}">Contact</a></main></body></html>';
const TRANSLATIONS = { fr: { title: 'Maintenance en cours', message: 'Nous revenons vite.' }, de: { title: 'Wartung', message: 'Wir sind bald zurück.' } };

const options = numericOptions({ sites: 200, latency: 50, concurrency: 16 });
const fleet = await startFleet({ sites: options.sites, apiKeys: 1, latencyMs: 0 });
try {
  const ctx = await fleet.context({
    BULK_CONCURRENCY: String(options.concurrency),
    CLOUDFLARE_WORKERS_PLAN: 'paid',
    CLOUDFLARE_RATE_LIMIT_REQUESTS: String(100 * options.sites),
  });
  await ctx.pageBranding.updateDefault({ template: TEMPLATE, logoUrl: 'https://cdn.bench.test/logo.png', contactUrl: 'mailto:ops@bench.test', translations: TRANSLATIONS }, 'bench');
  const seeded = await ctx.selection.select({ all: true });
  const limit = pLimit(8);
  await Promise.all(seeded.map((site) => limit(() => ctx.siteSettings.update(site, { engine: 'worker' }, 'bench'))));
  fleet.fake.setLatency(options.latency);
  const sites = await ctx.selection.select({ all: true });
  const uploadsBefore = fleet.fake.exchanges.filter((exchange) => exchange.method === 'PUT').length;
  const cpu = process.cpuUsage();
  const { result, wallMs, requests } = await measure(fleet.fake, () => ctx.bulk.run('enable', sites, { actor: 'bench' }));
  const { user, system } = process.cpuUsage(cpu);
  const uploads = fleet.fake.exchanges.filter((exchange) => exchange.method === 'PUT').length - uploadsBefore;
  if (result.counts.failed > 0) process.exitCode = 1;
  // The sites' data is JSON inside a string literal: each entry's key reads \"siteId\".
  const inScript = (fleet.fake.workerScript(DEFAULT_ACCOUNT_ID, 'cfm-maintenance')?.source.match(/\\"siteId\\"/g) ?? []).length;
  process.stdout.write(
    `Bulk enable on the worker engine: ${options.sites} sites of one account, ${options.concurrency} at a time, fake latency ${options.latency} ms per request, ` +
      'a default template in three languages\n',
  );
  process.stdout.write(
    `${table(
      ['Sites', 'Wall time', 'CPU (this process)', 'Requests', 'Script uploads', 'Sites in the final script', 'Outcome'],
      [[sites.length, seconds(wallMs), seconds((user + system) / 1000), requests, uploads, inScript, outcomeSummary(result.counts)]],
    )}\n`,
  );
} finally {
  await fleet.close();
}
