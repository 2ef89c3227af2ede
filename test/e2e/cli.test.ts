import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeCloudflare } from '../support/fake-cloudflare/index.js';
import { runCli, type CliResult } from '../support/run-cli.js';
import { TEST_TOKEN } from '../support/scenario.js';
import { testEnv } from '../support/test-context.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let fake: FakeCloudflare;
let db: TestDatabase;
let env: Record<string, string>;
const outputs: CliResult[] = [];

async function cli(args: string[], stdin?: string): Promise<CliResult> {
  const result = await runCli(args, { env, stdin });
  outputs.push(result);
  return result;
}

function json<T>(result: CliResult): T {
  return JSON.parse(result.stdout) as T;
}

beforeAll(async () => {
  fake = await FakeCloudflare.start();
  db = await createTestDatabase();
  env = testEnv(db.url, fake.baseURL);
  fake.addToken({ token: TEST_TOKEN });
});

afterEach(() => {
  expect(fake.violations()).toEqual([]);
});

afterAll(async () => {
  await db?.drop();
  await fake?.stop();
});

describe('the maintenance CLI', () => {
  it('stores a token read from standard input and only ever shows it masked', async () => {
    const added = await cli(['api-keys', 'add', 'primary', '--default'], `${TEST_TOKEN}\n`);
    expect(added).toMatchObject({ code: 0 });
    expect(added.stdout).toContain('Saved API key "primary"');

    const listed = await cli(['api-keys', 'list', '--json']);
    expect(listed.code).toBe(0);
    const keys = json<{ name: string; token: string; isDefault: boolean }[]>(listed);
    expect(keys).toEqual([expect.objectContaining({ name: 'primary', isDefault: true, token: `••••••••${TEST_TOKEN.slice(-4)}` })]);
  });

  it('adds a site, looking its zone up, and runs a whole maintenance cycle', async () => {
    const zone = fake.addZone({ name: 'cli-cycle.com' });

    const added = await cli(['sites', 'add', 'cli-cycle.com', '--json']);
    expect(added.code).toBe(0);
    expect(json<{ zoneId: string }>(added).zoneId).toBe(zone.id);

    const enabled = await cli(['enable', 'cli-cycle.com', '--reason', 'database upgrade']);
    expect(enabled).toMatchObject({ code: 0, stdout: 'cli-cycle.com is in maintenance.\n' });
    expect(fake.pageRules(zone.id)).toHaveLength(1);

    const again = await cli(['enable', 'cli-cycle.com', '--json']);
    expect(again.code).toBe(0);
    expect(json<{ outcome: string }>(again).outcome).toBe('skipped');

    const status = await cli(['status', 'cli-cycle.com', '--json']);
    expect(json<{ inMaintenance: boolean; reason: string }[]>(status)).toEqual([
      expect.objectContaining({ domain: 'cli-cycle.com', inMaintenance: true, reason: 'database upgrade' }),
    ]);
    const list = await cli(['list']);
    expect(list.stdout).toMatch(/cli-cycle\.com\s*│\s*ON/);

    const disabled = await cli(['disable', 'cli-cycle.com']);
    expect(disabled).toMatchObject({ code: 0, stdout: 'cli-cycle.com is out of maintenance.\n' });
    expect(fake.pageRules(zone.id)).toEqual([]);
  });

  it('makes one rule set out of ten concurrent enables in separate processes', async () => {
    const zone = fake.addZone({ name: 'concurrent.com' });
    expect((await cli(['sites', 'add', 'concurrent.com'])).code).toBe(0);

    const results = await Promise.all(Array.from({ length: 10 }, () => cli(['enable', 'concurrent.com', '--json'])));

    expect(results.map((result) => result.code)).toEqual(Array(10).fill(0));
    const outcomes = results.map((result) => json<{ outcome: string }>(result).outcome).sort();
    expect(outcomes).toEqual([...Array(9).fill('skipped'), 'success']);
    expect(fake.pageRules(zone.id)).toHaveLength(1);
    const posts = fake.exchanges.filter((exchange) => exchange.method === 'POST' && exchange.path === `/zones/${zone.id}/pagerules`);
    expect(posts).toHaveLength(1);
  });

  it('applies migrations explicitly with `db migrate`', async () => {
    const result = await cli(['db', 'migrate']);
    expect(result).toMatchObject({ code: 0, stdout: 'The database is up to date.\n' });
  });

  describe('refuses bad input with exit code 2, a specific message and nothing written', () => {
    const cases: [string, string[], RegExp, string?][] = [
      ['a domain with a space', ['sites', 'add', 'not a domain'], /Invalid domain "not a domain"/],
      ['a URL instead of a domain', ['sites', 'add', 'https://example.com'], /Invalid domain "https:\/\/example\.com"/],
      ['a wildcard domain', ['sites', 'add', '*.example.com'], /Invalid domain "\*\.example\.com"/],
      ['a single-label domain', ['sites', 'add', 'localhost'], /Invalid domain "localhost"/],
      ['an underscore in a domain', ['sites', 'add', 'exa_mple.com'], /Invalid domain "exa_mple\.com"/],
      ['a label starting with a hyphen', ['sites', 'add', '--', '-bad.com'], /Invalid domain "-bad\.com"/],
      ['a subdomain starting with a hyphen', ['sites', 'add', 'good.com', '--subdomains', 'www,-api'], /Invalid subdomain "-api"/],
      ['a wildcard subdomain', ['sites', 'add', 'good.com', '--subdomains', '*'], /Invalid subdomain "\*"/],
      ['a full host as subdomain', ['sites', 'add', 'good.com', '--subdomains', 'www.good.com'], /give the part before \.good\.com only/],
      ['a subdomain with a space', ['sites', 'add', 'good.com', '--subdomains', 'a b'], /Invalid subdomain "a b"/],
      ['a javascript: URL', ['sites', 'add', 'good.com', '--maintenance-url', 'javascript:alert(1)'], /scheme javascript: is not accepted/],
      ['a relative URL', ['sites', 'add', 'good.com', '--maintenance-url', '/maintenance'], /Invalid maintenance URL "\/maintenance": expected an absolute http/],
      ['an ftp URL', ['sites', 'add', 'good.com', '--maintenance-url', 'ftp://files.example.com/'], /scheme ftp: is not accepted/],
      ['a URL with credentials', ['sites', 'add', 'good.com', '--maintenance-url', 'https://user:pw@example.com/'], /credentials in a URL are not accepted/],
      ['a malformed zone id', ['sites', 'add', 'good.com', '--zone-id', 'xyz'], /Invalid zone id "xyz"/],
      ['a domain without a Cloudflare zone', ['sites', 'add', 'no-such-zone.com'], /No Cloudflare zone named no-such-zone\.com is visible to the API key "primary"/],
      ['an unknown API key', ['sites', 'add', 'good.com', '--api-key', 'nosuch'], /Unknown API key "nosuch"/],
      ['an unknown site to enable', ['enable', 'unknown-site.com'], /Unknown site unknown-site\.com/],
      ['an unknown site to disable', ['disable', 'unknown-site.com'], /Unknown site unknown-site\.com/],
      ['an unknown site for status', ['status', 'unknown-site.com'], /Unknown site unknown-site\.com/],
      ['an empty token', ['api-keys', 'add', 'second'], /No API token given/, ''],
      ['a token with spaces', ['api-keys', 'add', 'second'], /Invalid API token/, 'not a token at all\n'],
      ['a token Cloudflare rejects', ['api-keys', 'add', 'second'], /Cloudflare rejected this API token/, 'cf-unknown-token-000000000000000000000\n'],
      ['a bad key name', ['api-keys', 'add', 'bad/name'], /Invalid API key name "bad\/name"/, `${TEST_TOKEN}\n`],
      ['a duplicate key name', ['api-keys', 'add', 'primary'], /An API key named "primary" already exists/, `${TEST_TOKEN}\n`],
      ['an already registered site', ['sites', 'add', 'cli-cycle.com'], /cli-cycle\.com is already registered/],
      ['a missing argument', ['enable'], /missing required argument 'domain'/],
      ['an unknown option', ['enable', 'cli-cycle.com', '--bogus'], /unknown option '--bogus'/],
    ];

    // Every row gets all four values, or Jest takes the missing one for a `done` callback.
    it.each(cases.map(([name, args, message, stdin]) => [name, args, message, stdin ?? ''] as const))('%s', async (_name, args, message, stdin) => {
      const before = await db.snapshot();
      const writesBefore = fake.exchanges.filter((exchange) => exchange.method !== 'GET').length;

      const result = await cli(args, stdin);

      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(await db.snapshot()).toEqual(before);
      expect(fake.exchanges.filter((exchange) => exchange.method !== 'GET').length).toBe(writesBefore);
    });

    it('reports the same refusal as JSON with --json', async () => {
      const result = await cli(['sites', 'add', 'javascript:alert(1)', '--json']);
      expect(result.code).toBe(2);
      expect(json<{ error: { kind: string; message: string } }>(result).error).toEqual({
        kind: 'validation',
        message: expect.stringMatching(/^Invalid domain "javascript:alert\(1\)"/),
      });
    });
  });

  it('never shows the API token in any output or stores it in clear', async () => {
    expect(outputs.length).toBeGreaterThan(30);
    for (const output of outputs) {
      expect(output.stdout).not.toContain(TEST_TOKEN);
      expect(output.stderr).not.toContain(TEST_TOKEN);
    }
    const everything = JSON.stringify(await db.snapshot());
    expect(everything).toContain('primary');
    expect(everything).not.toContain(TEST_TOKEN);
    expect(everything).not.toContain(TEST_TOKEN.slice(0, 12));
  });
});
