import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cliActor } from '../../src/cli/actor.js';
import { MaintenanceLog } from '../../src/logs/maintenance-log.entity.js';
import { cliSuite, refusedWithoutWrites } from '../support/cli-suite.js';
import { PAGE_BOUND_MS, pageWithin } from '../support/maintenance-page.js';
import { runCli } from '../support/run-cli.js';
import { type RunningServer, startServer } from '../support/run-server.js';

/**
 * The maintenance page's branding, set with the built CLI and seen on the page the built server serves
 * (within the snapshot's bound, docs/maintenance-page.md#bounds); refusals leave every table as it was.
 */
const suite = cliSuite({ defaultKey: true });
let server: RunningServer;
let files: string;

beforeAll(async () => {
  server = await startServer({ ...suite.env, SCHEDULER_ENABLED: 'false' });
  files = await mkdtemp(join(tmpdir(), 'page-branding-'));
  for (const domain of ['brand.test', 'plain.test', 'redirect.test']) {
    suite.fake.addZone({ name: domain });
    expect((await runCli(['sites', 'add', domain], { env: suite.env })).code).toBe(0);
  }
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await rm(files, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<string> {
  const result = await runCli(args, { env: suite.env });
  expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: '' });
  return result.stdout;
}

async function page(domain: string, language?: string): Promise<string> {
  const response = await fetch(`${server.url}/maintenance?site=${domain}`, { headers: language ? { 'accept-language': language } : {} });
  expect(response.status).toBe(503);
  return response.text();
}

/** The page as a visitor asking for `language` sees it, polled until `shows` holds, for at most the bound. */
async function pageWithinIn(domain: string, language: string, shows: (html: string) => boolean): Promise<string> {
  const deadline = Date.now() + PAGE_BOUND_MS;
  for (;;) {
    const html = await page(domain, language);
    if (shows(html)) return html;
    if (Date.now() > deadline) throw new Error(`The page of ${domain} in ${language} did not change within ${PAGE_BOUND_MS} ms:\n${html}`);
    await sleep(50);
  }
}

async function templateFile(name: string, html: string): Promise<string> {
  const path = join(files, name);
  await writeFile(path, html);
  return path;
}

describe('a site branded with the CLI', () => {
  it("shows the title, message, logo, colours and contact link on the site's page, and in --json", async () => {
    const updated = JSON.parse(
      await cli([
        'sites', 'update', 'brand.test', '--json',
        '--page-title', 'Brand is getting better',
        '--page-message', 'Back in an hour.',
        '--page-logo-url', 'https://cdn.brand.test/logo.png',
        '--page-contact-url', 'mailto:help@brand.test',
        '--page-primary-color', '#FF6600',
      ]),
    );
    expect(updated.changed).toEqual(['page branding']);
    expect(updated.pageBranding).toEqual({
      title: 'Brand is getting better',
      message: 'Back in an hour.',
      logoUrl: 'https://cdn.brand.test/logo.png',
      contactUrl: 'mailto:help@brand.test',
      primaryColor: '#ff6600',
    });
    const seen = await pageWithin(server.url, 'brand.test', (html) => html.includes('<h1>Brand is getting better</h1>'));
    expect(seen.html).toContain('<p class="message">Back in an hour.</p>');
    expect(seen.html).toContain('<img class="logo" src="https://cdn.brand.test/logo.png" alt="brand.test">');
    expect(seen.html).toContain('<a href="mailto:help@brand.test">Contact us</a>');
    expect(seen.html).toContain('border-top:4px solid #ff6600');

    const [status] = JSON.parse(await cli(['status', 'brand.test', '--json']));
    expect(status.pageBranding).toEqual(updated.pageBranding);
    expect(await page('plain.test')).toContain('<h1>plain.test is down for maintenance</h1>');
  });

  it('serves a translation to a visitor whose Accept-Language asks for it', async () => {
    await cli(['sites', 'update', 'brand.test', '--page-language', 'fr', '--page-title', 'Brand se refait une beauté', '--page-message', 'De retour dans une heure.']);
    const french = await pageWithinIn('brand.test', 'fr-CA,fr;q=0.9,en;q=0.5', (html) => html.includes('Brand se refait une beauté'));
    expect(french).toContain('<html lang="fr">');
    expect(french).toContain('<h1>Brand se refait une beauté</h1>');
    expect(french).toContain('De retour dans une heure.');
    expect(await page('brand.test', 'de')).toContain('<h1>Brand is getting better</h1>');
    expect(await page('brand.test')).toContain('<h1>Brand is getting better</h1>');
  });

  it('shows a template with its placeholders filled in, escaped', async () => {
    const path = await templateFile(
      'ok.html',
      '<!doctype html><html><head><title>{{title}}</title><style>body{background:#123}</style></head><body><h1 class="t">{{site}}</h1><p>{{message}}</p><a href="{{contact_url}}">help</a></body></html>',
    );
    await cli(['sites', 'update', 'brand.test', '--page-template', path, '--name', 'Brand <b>&</b> Co']);
    const seen = await pageWithin(server.url, 'brand.test', (html) => html.includes('<h1 class="t">'));
    expect(seen.html).toContain('<h1 class="t">Brand &lt;b&gt;&amp;&lt;/b&gt; Co</h1>');
    expect(seen.html).toContain('<p>Back in an hour.</p>');
    expect(seen.html).toContain('<a href="mailto:help@brand.test">help</a>');
    expect(seen.html).toContain('<meta name="robots" content="noindex">');

    await cli(['sites', 'update', 'brand.test', '--no-page-template']);
    await pageWithin(server.url, 'brand.test', (html) => html.includes('<h1>Brand is getting better</h1>'));
  });

  it('refuses a template with a script or an event handler with exit code 2, and saves nothing', async () => {
    const hostile = await templateFile('hostile.html', '<html><body onload="steal()"><script>steal()</script><p>{{message}}</p></body></html>');
    await refusedWithoutWrites(
      suite,
      ['sites', 'update', 'brand.test', '--page-title', 'Half written?', '--page-template', hostile],
      /^Error: The page template contains an onload attribute and <script>; remove them: event handlers and scripts cannot be used on the maintenance page/,
    );
    const framed = await templateFile('framed.html', '<p>{{message}}</p><iframe src="https://evil.test"></iframe><a href="javascript:go()">x</a>');
    await refusedWithoutWrites(suite, ['page-default', 'set', '--template', framed], /contains <iframe> and a javascript: URL in href/);
    await refusedWithoutWrites(suite, ['sites', 'update', 'brand.test', '--page-template', join(files, 'missing.html')], /Cannot read the page template ".*missing\.html": no such file/);
  });

  it('refuses an invalid colour, URL or language with exit code 2, naming what is accepted', async () => {
    await refusedWithoutWrites(suite, ['sites', 'update', 'brand.test', '--page-text-color', 'black'], /The text colour "black" is not a colour: expected #rgb or #rrggbb/);
    await refusedWithoutWrites(suite, ['sites', 'update', 'brand.test', '--page-logo-url', 'http://cdn.brand.test/logo.png'], /the scheme http: is not accepted\. Expected an https:\/\/ address/);
    await refusedWithoutWrites(suite, ['sites', 'update', 'brand.test', '--page-language', 'français', '--page-title', 'x'], /Invalid language tag "français"/);
    await refusedWithoutWrites(suite, ['sites', 'update', 'brand.test', '--page-language', 'fr'], /--page-language names the translation that --page-title and --page-message set/);
  });
});

describe('the global default', () => {
  it('shows on every site without its own branding, for any engine, and a site returns to it with --no-page-branding', async () => {
    await cli(['sites', 'update', 'redirect.test', '--engine', 'redirect_rule']);
    const set = JSON.parse(await cli(['page-default', 'set', '--message', 'The whole fleet is being upgraded.', '--background-color', '#101820', '--json']));
    expect(set).toEqual({ branding: { message: 'The whole fleet is being upgraded.', backgroundColor: '#101820' }, changed: true });
    for (const domain of ['plain.test', 'redirect.test']) {
      const seen = await pageWithin(server.url, domain, (html) => html.includes('The whole fleet is being upgraded.'));
      expect(seen.html).toContain('background:#101820');
    }
    // The site's own message wins; the default's colour shows under it.
    const own = await page('brand.test');
    expect(own).toContain('<p class="message">Back in an hour.</p>');
    expect(own).toContain('background:#101820');

    await cli(['sites', 'update', 'brand.test', '--no-page-branding']);
    const reset = await pageWithin(server.url, 'brand.test', (html) => html.includes('The whole fleet is being upgraded.'));
    expect(reset.html).toContain('is down for maintenance</h1>');
    expect(JSON.parse(await cli(['status', 'brand.test', '--json']))[0].pageBranding).toBeNull();
    expect(await cli(['page-default', 'show'])).toBe(
      'The default maintenance page branding:\n  message: The whole fleet is being upgraded.\n  background colour: #101820\n',
    );
  });
});

describe('the audit log', () => {
  const settingsRows = (domain: string) =>
    suite.db.dataSource.getRepository(MaintenanceLog).find({ where: { action: 'settings', domain }, order: { createdAt: 'ASC' } });
  const TEMPLATE_MARK = 'only-in-the-template';
  const longTemplate = () => templateFile('long.html', `<main><h1>{{title}}</h1><p>{{message}}</p><p>${TEMPLATE_MARK} ${'lorem ipsum '.repeat(500)}</p></main>`);

  it("has a row for a site's branding change beside its other settings: what changed, the template named, never its text or a secret", async () => {
    const updated = JSON.parse(
      await cli([
        'sites', 'update', 'plain.test', '--json',
        '--engine', 'redirect_rule', '--bypass-secret',
        '--page-title', 'Plain is resting', '--page-primary-color', '#0A0', '--page-template', await longTemplate(),
      ]),
    );
    const secret: string = updated.newBypassSecret.secret;
    const [row, ...more] = await settingsRows('plain.test');
    expect(more).toEqual([]);
    expect(row).toMatchObject({
      siteId: expect.any(String),
      outcome: 'success',
      actor: cliActor(),
      reason: 'engine page_rules → redirect_rule; bypass secret generated; page title (none) → "Plain is resting"; page primary colour (none) → #0a0; page template set',
    });
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(JSON.stringify(row)).not.toContain(TEMPLATE_MARK);

    await cli(['sites', 'update', 'plain.test', '--no-page-branding']);
    expect((await settingsRows('plain.test')).map((log) => log.reason)).toEqual([
      row.reason,
      'page title "Plain is resting" → (none); page primary colour #0a0 → (none); page template removed',
    ]);
  });

  it("has a row without a site for the default's change, none for a change that changes nothing or is refused", async () => {
    const before = await settingsRows('*');
    await cli(['page-default', 'set', '--title', 'Fleet upgrade', '--language', 'de', '--template', await longTemplate()]);
    await cli(['page-default', 'set', '--background-color', '#101820']);
    await refusedWithoutWrites(suite, ['page-default', 'set', '--text-color', 'navy'], /The text colour "navy" is not a colour/);
    const rows = (await settingsRows('*')).slice(before.length);
    expect(rows).toEqual([
      expect.objectContaining({
        siteId: null,
        outcome: 'success',
        actor: cliActor(),
        reason: 'default page template set; default page translations de added',
      }),
    ]);
    expect(JSON.stringify(rows)).not.toContain(TEMPLATE_MARK);
  });
});
