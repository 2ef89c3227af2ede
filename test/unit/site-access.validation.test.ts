import { describe, expect, it } from '@jest/globals';
import { checkIpRange, parseBypassIps } from '../../src/common/ip-range.validation.js';
import { loadConfig } from '../../src/config/load-config.js';
import { BYPASS_SECRET_PATTERN, bypassInstructions, generateBypassSecret } from '../../src/sites/bypass-secret.js';
import { type AccessChanges, planAccessChange } from '../../src/sites/site-access-change.js';
import { parseExcludedPath, parseExcludedPaths } from '../../src/sites/site-access.validation.js';
import { parseSiteEngine } from '../../src/sites/site-engine.js';
import type { AccessSettings } from '../../src/sites/site.repository.js';
import { TokenCipher } from '../../src/api-keys/token-cipher.js';
import type { AppConfig } from '../../src/config/config.schema.js';
import type { CloudflareSite } from '../../src/sites/cloudflare-site.entity.js';
import { SiteAccessResolver } from '../../src/sites/site-access.js';

const ACME = '/.well-known/acme-challenge/';

describe('IP addresses and CIDR ranges', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['203.0.113.0/24', '203.0.113.0/24'],
    [' 10.0.0.0/8 ', '10.0.0.0/8'],
    ['198.51.100.7/32', '198.51.100.7/32'],
    ['2001:DB8::/32', '2001:db8::/32'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8::8000/113', '2001:db8::8000/113'],
    ['::1/128', '::1/128'],
  ])('accepts %p as %p', (raw, canonical) => expect(checkIpRange(raw)).toEqual({ range: canonical }));

  it.each([
    ['10.0.0.0/33', /invalid prefix length: an IPv4 prefix is a whole number from 0 to 32/],
    ['::/129', /invalid prefix length: an IPv6 prefix is a whole number from 0 to 128/],
    ['10.0.0.0/08', /invalid prefix length/],
    ['10.0.0.0/', /invalid prefix length/],
    ['10.0.0.0/-1', /invalid prefix length/],
    ['10.0.0.0/8/8', /is not an IPv4 or IPv6 address/],
    ['203.0.113.7/24', /host bits set after the \/24 prefix; did you mean 203\.0\.113\.0\/24\?/],
    ['10.1.2.3/8', /did you mean 10\.0\.0\.0\/8\?/],
    ['2001:db8::1/32', /did you mean 2001:db8::\/32\?/],
    ['2001:db8::8001/113', /did you mean 2001:db8::8000\/113\?/],
    ['010.0.0.1', /is not an IPv4 or IPv6 address/],
    ['256.0.0.1', /is not an IPv4 or IPv6 address/],
    ['1.2.3', /is not an IPv4 or IPv6 address/],
    ['fe80::1%eth0', /is not an IPv4 or IPv6 address/],
    ['example.com', /is not an IPv4 or IPv6 address/],
    ['10.0.0.1-10.0.0.9', /is not an IPv4 or IPv6 address/],
    ['10.0.0.*', /is not an IPv4 or IPv6 address/],
  ])('refuses %p', (raw, message) => {
    const checked = checkIpRange(raw);
    expect('error' in checked && checked.error).toMatch(message);
  });

  it('parses a list: canonical, without duplicates; refuses empty items, every address and more than 32', () => {
    expect(parseBypassIps('203.0.113.0/24, 2001:DB8::/32,203.0.113.0/24')).toEqual(['203.0.113.0/24', '2001:db8::/32']);
    expect(parseBypassIps([])).toEqual([]);
    expect(() => parseBypassIps('')).toThrow(/No bypass IP given/);
    expect(() => parseBypassIps('1.2.3.4,,5.6.7.8')).toThrow(/item 2 is empty/);
    expect(() => parseBypassIps('::/0')).toThrow(/is every address/);
    expect(() => parseBypassIps(Array.from({ length: 33 }, (_, i) => `10.0.0.${i}`))).toThrow(/Too many bypass IPs: 33 given, at most 32/);
    expect(parseBypassIps(Array.from({ length: 32 }, (_, i) => `10.0.0.${i}`))).toHaveLength(32);
  });

  it('MAINTENANCE_BYPASS_IPS is checked the same way at start-up; unset means none', () => {
    expect(loadConfig({}).MAINTENANCE_BYPASS_IPS).toEqual([]);
    expect(loadConfig({ MAINTENANCE_BYPASS_IPS: '192.0.2.0/24, 2001:DB8::/32' }).MAINTENANCE_BYPASS_IPS).toEqual(['192.0.2.0/24', '2001:db8::/32']);
    expect(() => loadConfig({ MAINTENANCE_BYPASS_IPS: '192.0.2.1/24' })).toThrow(/MAINTENANCE_BYPASS_IPS: .*host bits set/);
    expect(() => loadConfig({ MAINTENANCE_BYPASS_IPS: 'office' })).toThrow(/MAINTENANCE_BYPASS_IPS: .*"office" is not an IPv4 or IPv6 address/);
  });
});

describe('excluded paths', () => {
  it.each(['/api/webhooks/', '/health', '/caf%C3%A9/', "/a-b_c.d~e!$&'()+,;=:@/"])('accepts %p', (path) => expect(parseExcludedPath(path)).toBe(path));

  it.each([
    ['api/', /must start with \//],
    ['/api/*', /wildcards \(\*\) are not accepted/],
    ['/a?b=1', /a query \(\?\) or fragment \(#\)/],
    ['/a#top', /a query \(\?\) or fragment \(#\)/],
    ['/a"b', /holds a character that is not accepted/],
    ['/a\\b', /holds a character that is not accepted/],
    ['/a b', /holds a character that is not accepted/],
    ['/a\nb', /holds a character that is not accepted/],
    ['/a\u0000b', /holds a character that is not accepted/],
    ['/café', /holds a character that is not accepted/],
    ['/{x}', /holds a character that is not accepted/],
    ['/a%2', /a % must start a percent-encoded byte/],
    ['/a/./b', /"\." and "\.\." segments/],
    ['/a//b', /and "\/\/" never reach the rules/],
    ['/', /would let every request through/],
    [`/${'x'.repeat(128)}`, /it is 129 characters long/],
  ])('refuses %p', (path, message) => expect(() => parseExcludedPath(path)).toThrow(message));

  it('writes percent-escapes as Cloudflare normalises the path: unreserved characters decoded, the rest in upper case', () => {
    expect(parseExcludedPath('/caf%c3%a9/%68ook%2d%2F')).toBe('/caf%C3%A9/hook-%2F');
  });

  it('parses a list without duplicates, and refuses empty items and more than 10', () => {
    expect(parseExcludedPaths('/a/, /b,/a/')).toEqual(['/a/', '/b']);
    expect(() => parseExcludedPaths('/a/,')).toThrow(/item 2 is empty/);
    expect(() => parseExcludedPaths(Array.from({ length: 11 }, (_, i) => `/p${i}`))).toThrow(/Too many excluded paths: 11 given, at most 10/);
  });
});

describe('engine names and the bypass secret', () => {
  it('accepts the two engines, case-insensitively, and names them when refusing', () => {
    expect(parseSiteEngine('page_rules')).toBe('page_rules');
    expect(parseSiteEngine(' Redirect_Rule ')).toBe('redirect_rule');
    for (const bad of ['', 'redirect', 'page-rules', 'workers']) expect(() => parseSiteEngine(bad)).toThrow(/expected one of page_rules, redirect_rule/);
  });

  it('generates 43 base64url characters (32 random bytes), different each time, and says how to use them', () => {
    const secrets = new Set(Array.from({ length: 50 }, generateBypassSecret));
    expect(secrets.size).toBe(50);
    for (const secret of secrets) expect(secret).toMatch(BYPASS_SECRET_PATTERN);
    expect(bypassInstructions('shop.test', 'S3cret')).toEqual({
      link: 'https://shop.test/?cfm_bypass=S3cret',
      header: "curl -H 'x-maintenance-bypass: S3cret' https://shop.test/",
    });
  });
});

describe('planning an access change', () => {
  const secrets = { generate: () => 'generated-secret', seal: (secret: string) => `sealed(${secret})` };
  const site = (settings: Partial<AccessSettings> = {}) => ({
    domain: 'shop.test',
    engine: 'redirect_rule' as const,
    bypassIps: null,
    bypassSecretCipher: null,
    excludedPaths: [ACME],
    ...settings,
  });
  const plan = (changes: AccessChanges, settings: Partial<AccessSettings> = {}) => planAccessChange(site(settings), changes, secrets);

  it('changes nothing when asked for nothing or for what is already set', () => {
    const { domain: _domain, ...settings } = site();
    expect(plan({})).toEqual({ settings, newSecret: null, changed: [], audit: null });
    expect(plan({ engine: 'redirect_rule', bypassIps: null, excludedPaths: ACME }).changed).toEqual([]);
  });

  it('a new secret is sealed and returned once; the audit line never holds it', () => {
    const generated = plan({ bypassSecret: 'generate' });
    expect(generated).toMatchObject({ newSecret: 'generated-secret', settings: { bypassSecretCipher: 'sealed(generated-secret)' }, audit: 'bypass secret generated' });
    expect(plan({ bypassSecret: 'generate' }, { bypassSecretCipher: 'old' }).audit).toBe('bypass secret replaced');
    expect(plan({ bypassSecret: 'remove' }, { bypassSecretCipher: 'old' }).audit).toBe('bypass secret removed');
    expect(plan({ bypassSecret: 'remove' }).changed).toEqual([]);
  });

  it('keeps the ACME challenge path in a given list; [] removes everything; null is the default', () => {
    expect(plan({ excludedPaths: '/hooks/' }).settings.excludedPaths).toEqual([ACME, '/hooks/']);
    expect(plan({ excludedPaths: [] }).settings.excludedPaths).toEqual([]);
    expect(plan({ excludedPaths: null }, { excludedPaths: [] }).settings.excludedPaths).toEqual([ACME]);
    expect(() => plan({ excludedPaths: Array.from({ length: 10 }, (_, i) => `/p${i}`) })).toThrow(/11 with \/\.well-known\/acme-challenge\/, at most 10/);
  });

  it('refuses a bypass or an exclusion on page_rules, and a switch to page_rules that would drop them', () => {
    const pageRules = { engine: 'page_rules' as const };
    expect(() => plan({ bypassIps: '203.0.113.0/24' }, pageRules)).toThrow(/uses the page_rules engine.*\(--engine redirect_rule\)/);
    expect(() => plan({ bypassSecret: 'generate' }, pageRules)).toThrow(/so a bypass secret cannot be set/);
    expect(() => plan({ excludedPaths: '/hooks/' }, pageRules)).toThrow(/so excluded paths \(\/hooks\/\) cannot be set/);
    expect(plan({ bypassIps: '203.0.113.0/24', engine: 'redirect_rule' }, pageRules).settings).toMatchObject({ engine: 'redirect_rule' });
    expect(plan({ bypassIps: [], bypassSecret: 'remove', excludedPaths: null }, pageRules).changed).toEqual(['bypass IPs']);

    expect(() => plan({ engine: 'page_rules' }, { bypassSecretCipher: 'sealed' })).toThrow(/cannot switch to the page_rules engine while it has a bypass secret/);
    expect(() => plan({ engine: 'page_rules' }, { excludedPaths: [ACME, '/x'] })).toThrow(/while it has excluded paths \(\/x\)/);
    expect(plan({ engine: 'page_rules' }, { bypassIps: [] }).settings.engine).toBe('page_rules');
    expect(plan({ engine: 'page_rules', bypassIps: [], bypassSecret: 'remove', excludedPaths: null }, { bypassIps: ['10.0.0.0/8'], bypassSecretCipher: 's' }).audit).toBe(
      'engine redirect_rule → page_rules; bypass IPs 10.0.0.0/8 → (none); bypass secret removed',
    );
  });
});

describe('SiteAccessResolver', () => {
  const config = { MAINTENANCE_BYPASS_IPS: ['192.0.2.0/24'] } as AppConfig;
  const cipher = new TokenCipher('k'.repeat(40));
  const resolver = new SiteAccessResolver(config, cipher);
  const site = (settings: Partial<CloudflareSite>) =>
    ({ domain: 'shop.test', engine: 'redirect_rule', bypassIps: null, bypassSecretCipher: null, excludedPaths: [ACME], ...settings }) as CloudflareSite;

  it('applies the global default to a site without a list of its own, never to one with an empty list', () => {
    expect(resolver.resolve(site({}))).toEqual({ bypassIps: ['192.0.2.0/24'], bypassSecret: null, excludedPaths: [ACME] });
    expect(resolver.resolve(site({ bypassIps: [] })).bypassIps).toEqual([]);
    expect(resolver.resolve(site({ bypassIps: ['203.0.113.0/24'] })).bypassIps).toEqual(['203.0.113.0/24']);
  });

  it('decrypts the secret for the engine, shows only the mask, and names the way out when the key changed', () => {
    const sealed = resolver.plan(site({}), { bypassSecret: 'generate' });
    const stored = site({ bypassSecretCipher: sealed.settings.bypassSecretCipher });
    expect(resolver.resolve(stored).bypassSecret).toBe(sealed.newSecret);
    expect(resolver.view(stored)).toEqual({ engine: 'redirect_rule', bypassIps: ['192.0.2.0/24'], bypassIpsFrom: 'default', bypassSecret: '••••••••', excludedPaths: [ACME] });
    const otherKey = new SiteAccessResolver(config, new TokenCipher('o'.repeat(40)));
    expect(() => otherKey.resolve(stored)).toThrow(/The bypass secret of shop\.test cannot be decrypted: APP_SECRET_KEY differs.*--bypass-secret/);
  });
});
