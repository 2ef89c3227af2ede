import { beforeAll, describe, expect, it } from '@jest/globals';
import { mergeBranding } from '../../src/maintenance-page/branding.js';
import { PAGE_CONTENT_SECURITY_POLICY, renderMaintenancePage } from '../../src/maintenance-page/render-page.js';
import type { CloudflareSite } from '../../src/sites/cloudflare-site.entity.js';
import type { FakeCloudflare } from '../support/fake-cloudflare/index.js';
import { runCli } from '../support/run-cli.js';
import { givenSite } from '../support/scenario.js';
import { serviceSuite } from '../support/service-suite.js';
import type { TestContext } from '../support/test-context.js';
import { loadWorkerModule, type WorkerModule } from '../support/worker-module.js';

/**
 * "A branded page rendered for the three engines" (issue 14), the Worker's side: the page the script that
 * Cloudflare holds serves, run in Node, is the renderer's page for the site's branding merged over the global
 * default, in the visitor's language, and follows a change of the default. The Page Rules and Single Redirect
 * engines send visitors to our /maintenance page, whose branding test/e2e/page-branding-cli.test.ts checks
 * through the built CLI and server (a site's own branding, a translation, a template, the default).
 */
const suite = serviceSuite();
let fake: FakeCloudflare;
let ctx: TestContext;
beforeAll(() => {
  ({ fake, ctx } = suite);
});

const SCRIPT = 'cfm-maintenance';
const ACCOUNT = 'b'.repeat(32);
const ACTOR = 'test:branded-worker';

/** The page renderMaintenancePage gives for the site as stored and the default as it is now. */
async function expectedPage(site: CloudflareSite, language?: string): Promise<string> {
  const stored = await ctx.sites.findByDomain(site.domain);
  const branding = mergeBranding(await ctx.pageBranding.defaultBranding(), stored.pageBranding);
  return renderMaintenancePage({ domain: stored.domain, siteName: stored.name, branding, message: stored.maintenanceReason, endsAt: null, language });
}

/** The account's script as the fake stores it, run in Node. */
async function deployedWorker(): Promise<{ worker: WorkerModule; tags: string[] }> {
  const deployed = fake.workerScript(ACCOUNT, SCRIPT);
  if (!deployed) throw new Error(`No script ${SCRIPT} in account ${ACCOUNT}`);
  return { worker: await loadWorkerModule(deployed.source), tags: deployed.tags };
}

async function visit(worker: WorkerModule, url: string, language?: string): Promise<{ response: Response; body: string }> {
  const response = await worker.fetch(new Request(url, { headers: language ? { 'accept-language': language } : {} }));
  return { response, body: await response.text() };
}

describe('the worker engine serves the branded page', () => {
  it("of the site's branding over the default, in the visitor's language, and re-deployed when the default changes", async () => {
    await ctx.pageBranding.updateDefault({ message: 'The whole fleet is being upgraded.', contactUrl: 'mailto:ops@fleet.test' }, 'test');
    const given = await givenSite(ctx, fake, 'branded-worker.test', { accountId: ACCOUNT });
    const { site } = await ctx.siteSettings.update(
      given.site,
      {
        engine: 'worker',
        name: 'Branded <b>&</b> Co',
        page: {
          title: 'Branded is getting better',
          logoUrl: 'https://cdn.branded-worker.test/logo.png',
          primaryColor: '#ff6600',
          backgroundColor: '#101820',
          textColor: '#fafafa',
          translations: { fr: { title: 'Branded se refait une beauté', message: 'De retour dans une heure.' } },
        },
      },
      ACTOR,
    );
    await ctx.maintenance.enableMaintenance(site, null, ACTOR);

    const first = await deployedWorker();
    const english = await visit(first.worker, 'https://branded-worker.test/checkout?step=2');
    expect(english.response.status).toBe(503);
    expect(english.response.headers.get('content-security-policy')).toBe(PAGE_CONTENT_SECURITY_POLICY);
    expect(english.body).toBe(await expectedPage(site));
    // What the merge must have given: the site's title and colours, the default's message and contact link, the name escaped.
    expect(english.body).toContain('<h1>Branded is getting better</h1>');
    expect(english.body).toContain('The whole fleet is being upgraded.');
    expect(english.body).toContain('mailto:ops@fleet.test');
    expect(english.body).toContain('#ff6600');
    expect(english.body).toContain('<img class="logo" src="https://cdn.branded-worker.test/logo.png" alt="Branded &lt;b&gt;&amp;&lt;/b&gt; Co">');
    expect(english.body).not.toContain('<b>&</b>');

    const french = await visit(first.worker, 'https://www.branded-worker.test/', 'fr-CA,fr;q=0.9,en;q=0.5');
    expect(french.response.headers.get('content-language')).toBe('fr');
    expect(french.body).toBe(await expectedPage(site, 'fr'));
    expect(french.body).toContain('<h1>Branded se refait une beauté</h1>');
    expect(french.body).toContain('De retour dans une heure.');
    expect((await visit(first.worker, 'https://branded-worker.test/', 'de')).body).toBe(english.body);

    // The default changed as operators change it: the built CLI's `page-default set`.
    const set = await runCli(['page-default', 'set', '--message', 'Back after the fleet upgrade.', '--background-color', '#203040'], { env: suite.env });
    expect({ code: set.code, stderr: set.stderr }).toEqual({ code: 0, stderr: '' });

    const second = await deployedWorker();
    expect(second.tags).not.toEqual(first.tags);
    const after = await visit(second.worker, 'https://branded-worker.test/');
    expect(after.body).toBe(await expectedPage(site));
    expect(after.body).toContain('Back after the fleet upgrade.');
    expect(after.body).not.toContain('The whole fleet is being upgraded.');
    // The site's own background colour still wins over the default's.
    expect(after.body).toContain('#101820');
    expect(after.body).not.toContain('#203040');
    expect((await visit(second.worker, 'https://branded-worker.test/', 'fr')).body).toBe(await expectedPage(site, 'fr'));

    await ctx.maintenance.disableMaintenance(await ctx.sites.findByDomain(site.domain), ACTOR);
    expect(fake.workerScript(ACCOUNT, SCRIPT)).toBeUndefined();
  });

  it('with the reason it was enabled with in place of the branded message', async () => {
    const given = await givenSite(ctx, fake, 'reason-worker.test', { accountId: ACCOUNT });
    const { site } = await ctx.siteSettings.update(given.site, { engine: 'worker', page: { message: 'Our own words.' } }, ACTOR);
    await ctx.maintenance.enableMaintenance(site, 'Moving to a bigger <server>', ACTOR);

    const { worker } = await deployedWorker();
    const { body } = await visit(worker, 'https://reason-worker.test/');
    expect(body).toBe(await expectedPage(site));
    expect(body).toContain('Moving to a bigger &lt;server&gt;');
    expect(body).not.toContain('Our own words.');

    await ctx.maintenance.disableMaintenance(await ctx.sites.findByDomain(site.domain), ACTOR);
  });
});
