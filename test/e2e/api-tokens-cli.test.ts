import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { cliSuite } from '../support/cli-suite.js';
import { runCli } from '../support/run-cli.js';

const suite = cliSuite({ defaultKey: true });
const cli = (...args: string[]) => runCli(args, { env: suite.env });

const TOKEN = /cfm_[a-z0-9]{12}_[A-Za-z0-9_-]{43}/g;

describe('maintenance api-tokens', () => {
  it('creates a token, prints it once, and stores only the hash of its secret', async () => {
    suite.fake.addZone({ name: 'tokens-cli.com' });
    expect((await cli('sites', 'add', 'tokens-cli.com')).code).toBe(0);

    const created = await cli('api-tokens', 'create', 'deploy', '--role', 'operator', '--sites', 'tokens-cli.com', '--expires', '90d');
    expect(created.code).toBe(0);
    const printed = created.stdout.match(TOKEN) ?? [];
    expect(printed).toHaveLength(1);
    expect(created.stdout).toMatch(/shown only this once/);
    const token = printed[0] ?? '';
    const secret = token.slice('cfm_'.length + 13);

    const [row] = await suite.db.dataSource.query<Record<string, unknown>[]>(`SELECT * FROM api_tokens WHERE name = 'deploy'`);
    expect(row).toMatchObject({ role: 'operator', site_domains: ['tokens-cli.com'], api_key_ids: [], revoked_at: null });
    expect(row.secret_hash).toEqual(createHash('sha256').update(secret).digest());
    expect(JSON.stringify(row)).not.toContain(secret);
    expect((row.expires_at as Date).getTime() - Date.now()).toBeGreaterThan(89.9 * 86_400_000);

    for (const listed of [await cli('api-tokens', 'list'), await cli('api-tokens', 'list', '--json')]) {
      expect(listed.code).toBe(0);
      expect(listed.stdout).not.toContain(secret);
      expect(listed.stdout).toContain(token.slice(0, 16));
    }
    const [view] = JSON.parse((await cli('api-tokens', 'list', '--json')).stdout) as Record<string, unknown>[];
    expect(view).toMatchObject({ name: 'deploy', role: 'operator', sites: ['tokens-cli.com'], status: 'active', prefix: token.slice(0, 16) });
  }, 60_000);

  it('restricts a token to the sites of a Cloudflare key, and prints it in --json once', async () => {
    const created = await cli('api-tokens', 'create', 'by-key', '--role', 'viewer', '--api-key', 'primary', '--json');
    expect(created.code).toBe(0);
    const body = JSON.parse(created.stdout) as { token: string; apiKeys: string[]; expiresAt: string | null };
    expect(body.token).toMatch(TOKEN);
    expect(body).toMatchObject({ apiKeys: ['primary'], expiresAt: null });
  }, 30_000);

  it('refuses bad input with exit code 2 and writes nothing', async () => {
    const before = await suite.db.snapshot();
    const cases: [string[], RegExp][] = [
      [['api-tokens', 'create', 'no-role'], /--role/],
      [['api-tokens', 'create', 'bad-role', '--role', 'root'], /Invalid role "root"/],
      [['api-tokens', 'create', 'bad name', '--role', 'viewer'], /Invalid token name/],
      [['api-tokens', 'create', 'bad-expiry', '--role', 'viewer', '--expires', '-1d'], /Invalid expiry "-1d"/],
      [['api-tokens', 'create', 'unknown-site', '--role', 'viewer', '--sites', 'nowhere.com'], /Unknown site nowhere\.com/],
      [['api-tokens', 'create', 'bad-site', '--role', 'viewer', '--sites', 'not a domain'], /Invalid domain/],
      [['api-tokens', 'create', 'both', '--role', 'viewer', '--sites', 'tokens-cli.com', '--api-key', 'primary'], /not both/],
      [['api-tokens', 'create', 'unknown-key', '--role', 'viewer', '--api-key', 'nope'], /Unknown API key "nope"/],
      [['api-tokens', 'create', 'deploy', '--role', 'viewer'], /already exists/],
      [['api-tokens', 'revoke', 'never-made'], /no API token never-made/],
    ];
    for (const [args, message] of cases) {
      const result = await cli(...args);
      expect([args.join(' '), result.code]).toEqual([args.join(' '), 2]);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).not.toMatch(TOKEN);
    }
    expect(await suite.db.snapshot()).toEqual(before);
  }, 60_000);

  it('revokes a token, which frees its name', async () => {
    const revoked = await cli('api-tokens', 'revoke', 'deploy');
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(/Revoked API token deploy \(cfm_[a-z0-9]{12}…\)/);
    const again = await cli('api-tokens', 'create', 'deploy', '--role', 'admin');
    expect(again.code).toBe(0);
    const listed = JSON.parse((await cli('api-tokens', 'list', '--json')).stdout) as { name: string; status: string; role: string }[];
    expect(listed.filter((token) => token.name === 'deploy').map((token) => [token.role, token.status])).toEqual([
      ['admin', 'active'],
      ['operator', 'revoked'],
    ]);
  }, 30_000);
});
