import { describe, expect, it } from '@jest/globals';
import { cliSuite } from '../support/cli-suite.js';
import { runCli, type CliResult } from '../support/run-cli.js';
import { TEST_PUBLIC_URL } from '../support/test-context.js';
import { evaluateExpression, redirectFor } from '../support/rules-language/index.js';

/**
 * The redirect_rule engine end to end: the built CLI against the fake Cloudflare over HTTP and a real
 * PostgreSQL, with the Rules-language evaluator saying what a request to the zone would get.
 */
const suite = cliSuite({ defaultKey: true });
const REDIRECT = 'http_request_dynamic_redirect' as const;
const HEADERS = 'http_response_headers_transform' as const;
const OFFICE_IP = '203.0.113.7';
const ELSEWHERE_IP = '198.51.100.20';

function cli(args: string[]): Promise<CliResult> {
  return runCli(args, { env: suite.env });
}

async function ok(args: string[]): Promise<CliResult> {
  const result = await cli(args);
  expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: expect.any(String) });
  return result;
}

function defaultUrl(domain: string): string {
  return `${TEST_PUBLIC_URL}/maintenance?site=${domain}`;
}

/** A user's own redirect rule, as the zone's owner would have made it in the dashboard. */
function userRedirect(path: string, target: string) {
  return {
    description: `user redirect ${path}`,
    expression: `http.request.uri.path eq "${path}"`,
    action: 'redirect',
    action_parameters: { from_value: { target_url: { value: target }, status_code: 301, preserve_query_string: true } },
    enabled: true,
  };
}

function ours(zoneId: string, phase: typeof REDIRECT | typeof HEADERS = REDIRECT) {
  return suite.fake.rulesetRules(zoneId, phase).filter((rule) => rule.ref?.startsWith('cfm_maintenance_'));
}

/** What a request to the zone gets: the redirect's URL and status, or undefined when it is let through. */
function visit(zoneId: string, request: { host: string; path?: string; ip?: string; query?: string; cookie?: string; headers?: Record<string, string> }) {
  const rule = redirectFor(suite.fake.rulesetRules(zoneId, REDIRECT), { path: '/', ip: ELSEWHERE_IP, ...request });
  const redirect = (rule?.action_parameters as { from_value?: { target_url?: { value?: string }; status_code?: number } } | undefined)?.from_value;
  return rule && { url: redirect?.target_url?.value, status: redirect?.status_code };
}

async function redirectSite(domain: string, addArgs: string[] = [], zoneInit: { plan?: 'free' | 'pro' | 'business' | 'enterprise' } = {}) {
  const zone = suite.fake.addZone({ name: domain, ...zoneInit });
  await ok(['sites', 'add', domain, ...addArgs]);
  await ok(['sites', 'update', domain, '--engine', 'redirect_rule']);
  return zone;
}

const SHAPES = [
  {
    shape: 'the apex and every subdomain',
    domain: 'all-shop.test',
    addArgs: [] as string[],
    covered: ['all-shop.test', 'www.all-shop.test', 'a.b.all-shop.test'],
    uncovered: ['notall-shop.test', 'all-shop.test.evil.com'],
  },
  {
    shape: 'the apex and listed subdomains',
    domain: 'listed-shop.test',
    addArgs: ['--subdomains', 'www,api'],
    covered: ['listed-shop.test', 'www.listed-shop.test', 'api.listed-shop.test'],
    uncovered: ['blog.listed-shop.test', 'notlisted-shop.test', 'listed-shop.test.evil.com'],
  },
  {
    shape: 'the apex only',
    domain: 'apex-shop.test',
    addArgs: [] as string[],
    apexOnly: true,
    covered: ['apex-shop.test'],
    uncovered: ['www.apex-shop.test', 'notapex-shop.test', 'apex-shop.test.evil.com'],
  },
];

describe('the redirect_rule engine through the CLI', () => {
  describe.each(SHAPES)('a full cycle covering $shape', ({ domain, addArgs, apexOnly, covered, uncovered }) => {
    it('puts our rule first, redirects exactly the covered hosts with a 302, and leaves the user\'s rules identical and in order', async () => {
      const zone = await redirectSite(domain, addArgs);
      if (apexOnly) {
        // The CLI has no flag for "the apex only" (the admin's form has); the settings are set as the form would.
        await suite.db.dataSource.query(`UPDATE cloudflare_sites SET include_subdomains = false, subdomain_list = '{}' WHERE domain = $1`, [domain]);
      }
      suite.fake.seedRulesetRule(zone.id, REDIRECT, userRedirect('/old-a', 'https://elsewhere.test/a'));
      suite.fake.seedRulesetRule(zone.id, REDIRECT, userRedirect('/old-b', 'https://elsewhere.test/b'));
      const before = suite.fake.rulesetRules(zone.id, REDIRECT);

      await ok(['enable', domain, '--reason', 'release 7']);

      const during = suite.fake.rulesetRules(zone.id, REDIRECT);
      expect(during).toHaveLength(3);
      expect(during[0]).toMatchObject({
        ref: expect.stringMatching(/^cfm_maintenance_redirect_/),
        action: 'redirect',
        enabled: true,
        action_parameters: { from_value: { target_url: { value: defaultUrl(domain) }, status_code: 302, preserve_query_string: false } },
      });
      expect(during.slice(1)).toEqual(before);
      for (const host of covered) {
        expect({ host, got: visit(zone.id, { host, path: '/cart' }) }).toEqual({ host, got: { url: defaultUrl(domain), status: 302 } });
      }
      for (const host of uncovered) expect({ host, got: visit(zone.id, { host, path: '/cart' }) }).toEqual({ host, got: undefined });
      // The ACME challenge path is excluded by default, so certificate renewals keep working.
      expect(visit(zone.id, { host: covered[0], path: '/.well-known/acme-challenge/token' })).toBeUndefined();

      await ok(['disable', domain]);
      expect(suite.fake.rulesetRules(zone.id, REDIRECT)).toEqual(before);
    });
  });

  it('leaves a zone without an entrypoint with an empty one, and never touches the response header phase without a secret', async () => {
    const zone = await redirectSite('fresh-zone.test');
    expect(suite.fake.hasEntrypoint(zone.id, REDIRECT)).toBe(false);
    await ok(['enable', 'fresh-zone.test']);
    expect(ours(zone.id)).toHaveLength(1);
    expect(suite.fake.hasEntrypoint(zone.id, HEADERS)).toBe(false);
    await ok(['disable', 'fresh-zone.test']);
    expect(suite.fake.rulesetRules(zone.id, REDIRECT)).toEqual([]);
  });

  describe.each(['page_rules', 'redirect_rule'])('the %s engine', (engine) => {
    it.each(SHAPES)('enables and disables $shape, leaving the zone as it was', async ({ domain, addArgs, apexOnly }) => {
      const name = `${engine.replace('_', '-')}-${domain}`;
      const zone = suite.fake.addZone({ name, plan: 'pro' });
      await ok(['sites', 'add', name, ...addArgs.map((arg) => arg)]);
      await ok(['sites', 'update', name, '--engine', engine]);
      if (apexOnly) await suite.db.dataSource.query(`UPDATE cloudflare_sites SET include_subdomains = false, subdomain_list = '{}' WHERE domain = $1`, [name]);
      suite.fake.seedRulesetRule(zone.id, REDIRECT, userRedirect('/promo', 'https://elsewhere.test/promo'));
      suite.fake.addPageRule(zone.id, { targetValue: `${name}/legacy/*`, actions: [{ id: 'cache_level', value: 'bypass' }] });
      const redirectsBefore = suite.fake.rulesetRules(zone.id, REDIRECT);
      const pageRulesBefore = suite.fake.pageRules(zone.id);

      await ok(['enable', name]);
      const live = JSON.parse((await ok(['status', name, '--live', '--json'])).stdout);
      expect(live[0]).toMatchObject({ inMaintenance: true, drift: [] });
      if (engine === 'redirect_rule') {
        expect(ours(zone.id)).toHaveLength(1);
        expect(suite.fake.pageRules(zone.id)).toEqual(pageRulesBefore);
      } else {
        expect(suite.fake.pageRules(zone.id).length).toBeGreaterThan(pageRulesBefore.length);
        expect(suite.fake.rulesetRules(zone.id, REDIRECT)).toEqual(redirectsBefore);
      }

      await ok(['disable', name]);
      expect(suite.fake.rulesetRules(zone.id, REDIRECT)).toEqual(redirectsBefore);
      expect(suite.fake.pageRules(zone.id)).toEqual(pageRulesBefore);
    });
  });

  it('lets through an allowlisted address, the secret (cookie, header, link) and the excluded paths, and redirects every other request', async () => {
    const zone = await redirectSite('bypass.test', ['--subdomains', 'www']);
    const updated = await ok(['sites', 'update', 'bypass.test', '--bypass-ip', '203.0.113.0/24,2001:db8::/32', '--bypass-secret', '--exclude-path', '/api/webhooks/,/health', '--json']);
    const secret = (JSON.parse(updated.stdout) as { newBypassSecret: { secret: string } }).newBypassSecret.secret;
    await ok(['enable', 'bypass.test']);
    const redirected = { url: defaultUrl('bypass.test'), status: 302 };

    for (const host of ['bypass.test', 'www.bypass.test']) {
      const through = [
        { ip: OFFICE_IP },
        { ip: '2001:db8::42' },
        { cookie: `theme=dark; cfm_bypass=${secret}` },
        { headers: { 'X-Maintenance-Bypass': secret } },
        { query: `utm=1&cfm_bypass=${secret}` },
        { path: '/api/webhooks/stripe' },
        { path: '/health' },
        { path: '/.well-known/acme-challenge/abc' },
      ];
      for (const request of through) expect({ host, request, got: visit(zone.id, { host, ...request }) }).toEqual({ host, request, got: undefined });
      const caught = [
        {},
        { ip: '203.0.114.1' },
        { cookie: 'cfm_bypass=wrong' },
        { headers: { 'x-maintenance-bypass': 'wrong' } },
        { query: 'cfm_bypass=wrong' },
        { path: '/api/other' },
        { path: '/status/health' },
      ];
      for (const request of caught) expect({ host, request, got: visit(zone.id, { host, ...request }) }).toEqual({ host, request, got: redirected });
    }
    for (const host of ['blog.bypass.test', 'notbypass.test', 'bypass.test.evil.com']) expect({ host, got: visit(zone.id, { host }) }).toEqual({ host, got: undefined });

    // The link's response sets the cookie on every host of the site, through our response header rule.
    const [cookieRule] = ours(zone.id, HEADERS);
    const request = { host: 'www.bypass.test', path: '/', ip: ELSEWHERE_IP };
    expect(evaluateExpression(cookieRule.expression, { ...request, query: `cfm_bypass=${secret}` })).toBe(true);
    expect(evaluateExpression(cookieRule.expression, request)).toBe(false);
    expect(cookieRule.action_parameters).toEqual({
      headers: { 'set-cookie': { operation: 'add', value: `cfm_bypass=${secret}; Domain=bypass.test; Path=/; Max-Age=43200; Secure; HttpOnly; SameSite=Lax` } },
    });

    // What status shows never holds the secret.
    for (const args of [['status', 'bypass.test', '--live'], ['status', 'bypass.test', '--live', '--json'], ['sites', 'list', '--json']]) {
      const shown = await ok(args);
      expect(shown.stdout).not.toContain(secret);
    }
    expect(JSON.parse((await ok(['status', 'bypass.test', '--live', '--json'])).stdout)[0].drift).toEqual([]);

    await ok(['disable', 'bypass.test']);
    expect(suite.fake.rulesetRules(zone.id, REDIRECT)).toEqual([]);
    expect(suite.fake.rulesetRules(zone.id, HEADERS)).toEqual([]);
  });

  it('lets the maintenance page through when it is on a host the site covers, says so, and redirects the rest', async () => {
    const zone = await redirectSite('loop.test');
    const page = 'https://status.loop.test/down.html';
    await ok(['sites', 'update', 'loop.test', '--maintenance-url', page]);

    const enabled = await ok(['enable', 'loop.test', '--json']);

    expect((JSON.parse(enabled.stdout) as { message: string }).message).toMatch(/its path \/down\.html is let through instead of redirected \(no loop\)/);
    expect(visit(zone.id, { host: 'status.loop.test', path: '/down.html' })).toBeUndefined();
    expect(visit(zone.id, { host: 'status.loop.test', path: '/' })).toEqual({ url: page, status: 302 });
    expect(visit(zone.id, { host: 'loop.test', path: '/shop' })).toEqual({ url: page, status: 302 });

    // Page Rules cannot do that: the same URL is refused on a page_rules site.
    suite.fake.addZone({ name: 'loop-pr.test' });
    await ok(['sites', 'add', 'loop-pr.test']);
    const refused = await cli(['sites', 'update', 'loop-pr.test', '--maintenance-url', 'https://status.loop-pr.test/down.html']);
    expect(refused.code).toBe(2);
    expect(refused.stderr + refused.stdout).toMatch(/again and again/);
  });
});
