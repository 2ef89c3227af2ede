import { describe, expect, it } from '@jest/globals';
import { TokenCipher } from '../../src/api-keys/token-cipher.js';
import { MaintenanceLog } from '../../src/logs/maintenance-log.entity.js';
import { cliSuite, refusedWithoutWrites } from '../support/cli-suite.js';
import { runCli } from '../support/run-cli.js';
import { TEST_SECRET_KEY } from '../support/test-context.js';

const suite = cliSuite({ defaultKey: true });
const ACME = '/.well-known/acme-challenge/';

async function cli(args: string[], env: Record<string, string> = {}) {
  return runCli(args, { env: { ...suite.env, ...env } });
}

function refused(args: string[], message: RegExp, env: Record<string, string> = {}) {
  return refusedWithoutWrites(suite, args, message, env);
}

async function added(domain: string, ...args: string[]) {
  suite.fake.addZone({ name: domain });
  const result = await cli(['sites', 'add', domain, ...args]);
  expect(result).toMatchObject({ code: 0 });
}

async function updated(domain: string, args: string[], env: Record<string, string> = {}) {
  const result = await cli(['sites', 'update', domain, ...args, '--json'], env);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  return JSON.parse(result.stdout) as Record<string, any>;
}

const auditRows = (domain: string) =>
  suite.db.dataSource.getRepository(MaintenanceLog).find({ where: { domain, action: 'settings' }, order: { createdAt: 'ASC' } });

describe('the engine of a site', () => {
  it('is page_rules unless chosen, shown in the JSON views, and an unknown engine is refused', async () => {
    await added('engine-default.test');
    await added('engine-redirect.test', '--engine', 'redirect_rule');
    const listed = JSON.parse((await cli(['sites', 'list', '--json'])).stdout) as { domain: string; engine: string }[];
    expect(listed.map(({ domain, engine }) => [domain, engine])).toEqual([
      ['engine-default.test', 'page_rules'],
      ['engine-redirect.test', 'redirect_rule'],
    ]);
    suite.fake.addZone({ name: 'engine-bad.test' });
    await refused(['sites', 'add', 'engine-bad.test', '--engine', 'workers'], /^Error: Invalid engine "workers": expected one of page_rules, redirect_rule/);
    await refused(['sites', 'update', 'engine-default.test', '--engine', 'page-rules'], /Invalid engine "page-rules": expected one of page_rules, redirect_rule/);
    expect((await updated('engine-default.test', ['--engine', 'redirect_rule'])).engine).toBe('redirect_rule');
    const status = JSON.parse((await cli(['status', 'engine-default.test', '--json'])).stdout) as { engine: string }[];
    expect(status[0].engine).toBe('redirect_rule');
  });

  it('is left alone by a zone sync, with the access settings', async () => {
    await added('engine-sync.test', '--engine', 'redirect_rule');
    await updated('engine-sync.test', ['--bypass-ip', '198.51.100.0/24', '--exclude-path', '/hooks/', '--bypass-secret']);
    const before = await suite.db.dataSource.query(
      `SELECT engine, bypass_ips, bypass_secret_cipher, excluded_paths FROM cloudflare_sites WHERE domain = 'engine-sync.test'`,
    );
    expect((await cli(['sync-cloudflare', '--force'])).code).toBe(0);
    expect((await cli(['sync', 'engine-sync.test'])).code).toBe(0);
    const after = await suite.db.dataSource.query(
      `SELECT engine, bypass_ips, bypass_secret_cipher, excluded_paths, last_synced_at FROM cloudflare_sites WHERE domain = 'engine-sync.test'`,
    );
    expect(after[0].last_synced_at).not.toBeNull();
    expect({ ...after[0], last_synced_at: undefined }).toEqual({ ...before[0], last_synced_at: undefined });
  });
});

describe('bad access settings are refused with exit code 2, and nothing is written', () => {
  it('bypass IPs: ranges, host bits, host names, empty items, zone ids, every address, too many', async () => {
    await added('bad-ip.test', '--engine', 'redirect_rule');
    const site = ['sites', 'update', 'bad-ip.test'];
    await refused([...site, '--bypass-ip', '10.0.0.0/33'], /Invalid bypass IP: "10\.0\.0\.0\/33" has an invalid prefix length: an IPv4 prefix is a whole number from 0 to 32/);
    await refused([...site, '--bypass-ip', '2001:db8::/129'], /"2001:db8::\/129" has an invalid prefix length: an IPv6 prefix is a whole number from 0 to 128/);
    await refused([...site, '--bypass-ip', '203.0.113.7/24'], /"203\.0\.113\.7\/24" has host bits set after the \/24 prefix; did you mean 203\.0\.113\.0\/24\?/);
    await refused([...site, '--bypass-ip', '2001:db8::1/32'], /did you mean 2001:db8::\/32\?/);
    await refused([...site, '--bypass-ip', 'office.example.com'], /"office\.example\.com" is not an IPv4 or IPv6 address or CIDR range .*host names and ranges written as a-b are not accepted/);
    await refused([...site, '--bypass-ip', '10.0.0.1-10.0.0.9'], /"10\.0\.0\.1-10\.0\.0\.9" is not an IPv4 or IPv6 address/);
    await refused([...site, '--bypass-ip', '256.1.1.1'], /"256\.1\.1\.1" is not an IPv4 or IPv6 address/);
    await refused([...site, '--bypass-ip', '203.0.113.0/24,,198.51.100.1'], /Invalid bypass IP list: item 2 is empty/);
    await refused([...site, '--bypass-ip', '198.51.100.1,'], /Invalid bypass IP list: item 2 is empty/);
    await refused([...site, '--bypass-ip', 'fe80::1%eth0'], /"fe80::1%eth0" is not an IPv4 or IPv6 address/);
    await refused([...site, '--bypass-ip', '0.0.0.0/0'], /"0\.0\.0\.0\/0" is every address; it would let every visitor through/);
    const many = Array.from({ length: 33 }, (_, index) => `198.51.100.${index}`).join(',');
    await refused([...site, '--bypass-ip', many], /Too many bypass IPs: 33 given, at most 32/);
  });

  it('excluded paths: no leading slash, wildcards, queries, quotes, backslashes, control characters, /, too long, too many', async () => {
    await added('bad-path.test', '--engine', 'redirect_rule');
    const site = ['sites', 'update', 'bad-path.test'];
    await refused([...site, '--exclude-path', 'api/webhooks/'], /Invalid excluded path "api\/webhooks\/": it must start with \//);
    await refused([...site, '--exclude-path', '/api/*'], /Invalid excluded path "\/api\/\*": wildcards \(\*\) are not accepted/);
    await refused([...site, '--exclude-path', '/health?full=1'], /a query \(\?\) or fragment \(#\) is not part of a path/);
    await refused([...site, '--exclude-path', '/a"b'], /Invalid excluded path "\/a"b": it holds a character that is not accepted/);
    await refused([...site, '--exclude-path', '/a\\b'], /it holds a character that is not accepted/);
    await refused([...site, '--exclude-path', '/a\u0007b'], /it holds a character that is not accepted/);
    await refused([...site, '--exclude-path', '/caf%C'], /a % must start a percent-encoded byte/);
    await refused([...site, '--exclude-path', '/'], /excluding \/ would let every request through/);
    await refused([...site, '--exclude-path', `/${'a'.repeat(128)}`], /it is 129 characters long/);
    await refused([...site, '--exclude-path', '/a/../b'], /"\." and "\.\." segments/);
    const many = Array.from({ length: 10 }, (_, index) => `/p${index}`).join(',');
    await refused([...site, '--exclude-path', many], /Too many excluded paths: 11 with \/\.well-known\/acme-challenge\/, at most 10/);
  });

  it('a bypass or an exclusion on a page_rules site names --engine redirect_rule', async () => {
    await added('pagerules-only.test');
    const site = ['sites', 'update', 'pagerules-only.test'];
    const engineHint = /pagerules-only\.test uses the page_rules engine, which cannot let staff through or exclude paths .*\(--engine redirect_rule\)/;
    await refused([...site, '--bypass-ip', '203.0.113.0/24'], engineHint);
    await refused([...site, '--bypass-secret'], engineHint);
    await refused([...site, '--exclude-path', '/api/webhooks/'], engineHint);
    await refused([...site, '--engine', 'page_rules', '--exclude-path', '/health'], engineHint);
  });

  it('switching back to page_rules while a bypass or exclusions are set is refused, naming what to clear', async () => {
    await added('switch-back.test', '--engine', 'redirect_rule');
    await updated('switch-back.test', ['--bypass-ip', '203.0.113.0/24', '--exclude-path', '/hooks/']);
    await refused(
      ['sites', 'update', 'switch-back.test', '--engine', 'page_rules'],
      /switch-back\.test cannot switch to the page_rules engine while it has bypass IPs \(203\.0\.113\.0\/24\) and excluded paths \(\/hooks\/\).*\(--no-bypass --default-exclude-path\)/,
    );
    await refused(['sites', 'update', 'switch-back.test', '--engine', 'page_rules', '--no-bypass'], /while it has excluded paths \(\/hooks\/\)/);
    const back = await updated('switch-back.test', ['--engine', 'page_rules', '--no-bypass', '--default-exclude-path']);
    expect(back).toMatchObject({ engine: 'page_rules', bypassIps: [], bypassSecret: null, excludedPaths: [ACME] });
  });

  it('contradictory flags, and a bad MAINTENANCE_BYPASS_IPS at start-up', async () => {
    await added('flags.test', '--engine', 'redirect_rule');
    await refused(['sites', 'update', 'flags.test', '--no-bypass', '--bypass-ip', '203.0.113.1'], /--no-bypass clears the bypass IPs and the secret; give it without --bypass-ip/);
    await refused(['sites', 'update', 'flags.test', '--no-bypass', '--bypass-secret'], /--no-bypass clears/);
    await refused(['sites', 'update', 'flags.test', '--bypass-ip', '203.0.113.1', '--default-bypass-ip'], /--bypass-ip and --default-bypass-ip exclude each other/);
    await refused(['sites', 'update', 'flags.test', '--no-exclude-path', '--default-exclude-path'], /exclude each other/);
    await refused(['list'], /MAINTENANCE_BYPASS_IPS.*"10\.0\.0\.1\/8" has host bits set/s, { MAINTENANCE_BYPASS_IPS: '192.0.2.1,10.0.0.1/8' });
  });
});

describe('setting the bypass and the excluded paths', () => {
  it('IPs are stored canonical; the global default, none, and back to the default; each change audited with its actor', async () => {
    await added('bypass-ips.test', '--engine', 'redirect_rule');
    const env = { MAINTENANCE_BYPASS_IPS: '192.0.2.0/24, 2001:DB8:1::/48' };
    const initial = JSON.parse((await cli(['sites', 'list', '--json'], env)).stdout).find((site: any) => site.domain === 'bypass-ips.test');
    expect(initial).toMatchObject({ bypassIps: ['192.0.2.0/24', '2001:db8:1::/48'], bypassIpsFrom: 'default', bypassSecret: null });

    expect(await updated('bypass-ips.test', ['--bypass-ip', ' 203.0.113.0/24 , 2001:DB8:0:0::/32,203.0.113.0/24,198.51.100.7'], env)).toMatchObject({
      bypassIps: ['203.0.113.0/24', '2001:db8::/32', '198.51.100.7'],
      bypassIpsFrom: 'site',
      changed: ['bypass IPs'],
    });
    expect(await updated('bypass-ips.test', ['--no-bypass'], env)).toMatchObject({ bypassIps: [], bypassIpsFrom: 'site' });
    expect(await updated('bypass-ips.test', ['--default-bypass-ip'], env)).toMatchObject({
      bypassIps: ['192.0.2.0/24', '2001:db8:1::/48'],
      bypassIpsFrom: 'default',
    });
    expect(await updated('bypass-ips.test', ['--default-bypass-ip'], env)).toMatchObject({ changed: [] });

    const audit = await auditRows('bypass-ips.test');
    expect(audit.map((row) => [row.outcome, row.actor.startsWith('cli:'), row.reason])).toEqual([
      ['success', true, 'bypass IPs (MAINTENANCE_BYPASS_IPS) → 203.0.113.0/24, 2001:db8::/32, 198.51.100.7'],
      ['success', true, 'bypass IPs 203.0.113.0/24, 2001:db8::/32, 198.51.100.7 → (none)'],
      ['success', true, 'bypass IPs (none) → (MAINTENANCE_BYPASS_IPS)'],
    ]);
  });

  it('excluded paths keep the ACME challenge path unless removed on purpose', async () => {
    await added('paths.test', '--engine', 'redirect_rule');
    expect(await updated('paths.test', ['--exclude-path', '/api/webhooks/,/health,/api/webhooks/'])).toMatchObject({
      excludedPaths: [ACME, '/api/webhooks/', '/health'],
    });
    expect(await updated('paths.test', ['--exclude-path', `/health,${ACME}`])).toMatchObject({ excludedPaths: ['/health', ACME] });
    expect(await updated('paths.test', ['--no-exclude-path'])).toMatchObject({ excludedPaths: [] });
    expect(await updated('paths.test', ['--default-exclude-path'])).toMatchObject({ excludedPaths: [ACME] });
    expect((await auditRows('paths.test')).map((row) => row.reason)).toEqual([
      `excluded paths ${ACME} → ${ACME}, /api/webhooks/, /health`,
      `excluded paths ${ACME}, /api/webhooks/, /health → /health, ${ACME}`,
      `excluded paths /health, ${ACME} → (none)`,
      `excluded paths (none) → ${ACME}`,
    ]);
  });

  it('the secret is shown once, with how to use it, then only masked: list, status, JSON, audit rows, the database', async () => {
    await added('secret.test', '--engine', 'redirect_rule');
    const generated = await cli(['sites', 'update', 'secret.test', '--bypass-secret']);
    expect(generated.code).toBe(0);
    const secret = /Bypass secret \(shown this once; store it now, it is masked from now on\): ([A-Za-z0-9_-]+)\n/.exec(generated.stdout)?.[1];
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generated.stdout).toContain(`In a browser, open:  https://secret.test/?cfm_bypass=${secret}`);
    expect(generated.stdout).toContain(`From a script or CI: curl -H 'x-maintenance-bypass: ${secret}' https://secret.test/`);

    const stored = await suite.db.dataSource.query(`SELECT bypass_secret_cipher FROM cloudflare_sites WHERE domain = 'secret.test'`);
    expect(stored[0].bypass_secret_cipher).not.toContain(secret!);
    expect(new TokenCipher(TEST_SECRET_KEY).decrypt(stored[0].bypass_secret_cipher as string)).toBe(secret);

    for (const args of [['sites', 'list'], ['sites', 'list', '--json'], ['list'], ['list', '--json'], ['status'], ['status', 'secret.test', '--json']]) {
      const shown = await cli(args);
      expect({ args, code: shown.code }).toEqual({ args, code: 0 });
      expect(shown.stdout + shown.stderr).not.toContain(secret!);
    }
    const listed = JSON.parse((await cli(['sites', 'list', '--json'])).stdout).find((site: any) => site.domain === 'secret.test');
    expect(listed.bypassSecret).toBe('••••••••');
    expect((await cli(['sites', 'list'])).stdout).toMatch(/secret ••••••••/);

    const json = await updated('secret.test', ['--bypass-secret']);
    expect(json.newBypassSecret.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(json.newBypassSecret.secret).not.toBe(secret);
    expect(json.newBypassSecret.header).toBe(`curl -H 'x-maintenance-bypass: ${json.newBypassSecret.secret}' https://secret.test/`);
    expect(json.bypassSecret).toBe('••••••••');
    const removed = await updated('secret.test', ['--no-bypass']);
    expect(removed).toMatchObject({ bypassSecret: null, newBypassSecret: null });

    const audit = await auditRows('secret.test');
    expect(audit.map((row) => row.reason)).toEqual([
      'bypass secret generated',
      'bypass secret replaced',
      'bypass IPs (MAINTENANCE_BYPASS_IPS) → (none); bypass secret removed',
    ]);
    const everyLog = JSON.stringify(await suite.db.dataSource.query(`SELECT * FROM maintenance_logs`));
    expect(everyLog).not.toContain(secret!);
    expect(everyLog).not.toContain(json.newBypassSecret.secret as string);
  });
});
