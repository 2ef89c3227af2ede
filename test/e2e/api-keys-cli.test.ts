import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeCloudflare } from '../support/fake-cloudflare/index.js';
import { cliSession, type CliSession, parseJson as json } from '../support/cli-session.js';
import { testEnv } from '../support/test-context.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const TOKENS = {
  primary: 'cli-keys-primary-token-abcdefghijklmnop',
  backup: 'cli-keys-backup-token-abcdefghijklmnopq',
  rotated: 'cli-keys-rotated-token-abcdefghijklmnop',
  disabled: 'cli-keys-disabled-token-abcdefghijklmno',
  unknown: 'cli-keys-unknown-token-abcdefghijklmnop',
};

let fake: FakeCloudflare;
let db: TestDatabase;
let session: CliSession;

function cli(args: string[], stdin?: string) {
  return session.run(args, stdin);
}

async function defaultKeys(): Promise<string[]> {
  const rows: { name: string }[] = await db.dataSource.query(`SELECT name FROM cloudflare_api_keys WHERE is_default`);
  return rows.map((row) => row.name);
}

beforeAll(async () => {
  fake = await FakeCloudflare.start();
  db = await createTestDatabase();
  session = cliSession(testEnv(db.url, fake.baseURL));
  fake.addToken({ token: TOKENS.primary });
  fake.addToken({ token: TOKENS.backup });
  fake.addToken({ token: TOKENS.rotated });
  fake.addToken({ token: TOKENS.disabled, status: 'disabled' });
  fake.addZone({ name: 'keys-cli.com' });
});

afterEach(() => {
  expect(fake.violations()).toEqual([]);
});

afterAll(async () => {
  await db?.drop();
  await fake?.stop();
});

describe('maintenance api-keys', () => {
  it('refuses a token Cloudflare does not accept with exit code 2 and stores nothing', async () => {
    const before = await db.snapshot();

    const unknown = await cli(['api-keys', 'add', 'primary'], `${TOKENS.unknown}\n`);
    const disabled = await cli(['api-keys', 'add', 'primary'], `${TOKENS.disabled}\n`);

    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringMatching(/Cloudflare rejected this API token/) });
    expect(disabled).toMatchObject({ code: 2, stderr: expect.stringMatching(/Cloudflare reports this API token as disabled; it was not saved/) });
    expect(await db.snapshot()).toEqual(before);
  });

  it('leaves exactly one default when two processes set different defaults at once, round after round', async () => {
    expect((await cli(['api-keys', 'add', 'primary', '--default'], TOKENS.primary)).code).toBe(0);
    expect((await cli(['api-keys', 'add', 'backup'], TOKENS.backup)).code).toBe(0);

    for (let round = 0; round < 3; round += 1) {
      const results = await Promise.all([cli(['api-keys', 'set-default', 'backup']), cli(['api-keys', 'set-default', 'primary'])]);
      expect(results.map((result) => result.code)).toEqual([0, 0]);
      expect(results[0].stdout).toBe('"backup" is now the default API key.\n');
      const current = await defaultKeys();
      expect(current).toHaveLength(1);
    }
    expect((await cli(['api-keys', 'set-default', 'primary'])).code).toBe(0);
    expect(await defaultKeys()).toEqual(['primary']);
  });

  it('verifies a stored key: exit 0 while active, exit 1 naming the status once Cloudflare disabled it', async () => {
    const active = await cli(['api-keys', 'verify', 'backup', '--json']);
    expect(active.code).toBe(0);
    expect(json<{ status: string; owner: string }>(active)).toMatchObject({ status: 'active', owner: 'user' });

    fake.addToken({ token: TOKENS.backup, status: 'disabled' });
    const disabled = await cli(['api-keys', 'verify', 'backup']);
    expect(disabled.code).toBe(1);
    expect(disabled.stdout).toMatch(/API key "backup" \(••••••••\S{4}\) is disabled: Cloudflare reports it as disabled/);
    fake.addToken({ token: TOKENS.backup });
  });

  it('rotates a token read from standard input, refusing a bad one and keeping the old', async () => {
    const refused = await cli(['api-keys', 'rotate', 'backup'], `${TOKENS.unknown}\n`);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/Cloudflare rejected this API token/);

    const rotated = await cli(['api-keys', 'rotate', 'backup', '--json'], `${TOKENS.rotated}\n`);
    expect(rotated.code).toBe(0);
    expect(json<{ token: string }>(rotated).token).toBe(`••••••••${TOKENS.rotated.slice(-4)}`);

    // The rotated token is the one used from now on: the fake forgets the old one and the key still works.
    fake.addToken({ token: TOKENS.backup, status: 'expired' });
    expect((await cli(['api-keys', 'verify', 'backup'])).code).toBe(0);
  });

  it('deactivates a key (no longer the default) and refuses to remove one that sites use', async () => {
    expect((await cli(['sites', 'add', 'keys-cli.com', '--api-key', 'primary'])).code).toBe(0);

    const deactivated = await cli(['api-keys', 'deactivate', 'primary']);
    expect(deactivated.code).toBe(0);
    expect(deactivated.stdout).toContain('1 site(s) use it');
    expect(deactivated.stdout).toContain('there is no default key now');
    expect(await defaultKeys()).toEqual([]);

    const listed = json<{ name: string; isActive: boolean; isDefault: boolean }[]>(await cli(['api-keys', 'list', '--json']));
    expect(listed.find((key) => key.name === 'primary')).toMatchObject({ isActive: false, isDefault: false });

    const removal = await cli(['api-keys', 'remove', 'primary']);
    expect(removal.code).toBe(1);
    expect(removal.stderr).toMatch(/API key "primary" is used by 1 site and was not removed/);

    expect((await cli(['api-keys', 'activate', 'primary'])).code).toBe(0);
    // With no default left, the next key added becomes it; removing it says so.
    expect((await cli(['api-keys', 'add', 'spare'], TOKENS.primary)).stdout).toContain('as the default');
    const removed = await cli(['api-keys', 'remove', 'spare']);
    expect(removed).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Removed API key "spare"\. It was the default/) });
    expect(await defaultKeys()).toEqual([]);
  });

  it('answers unknown keys with exit code 2', async () => {
    const commands = ['set-default', 'deactivate', 'activate', 'verify', 'remove'];
    const results = await Promise.all(commands.map((command) => cli(['api-keys', command, 'nosuch'])));
    for (const result of results) {
      expect(result).toMatchObject({ code: 2, stderr: expect.stringMatching(/Unknown API key "nosuch"/) });
    }
  });

  it('never shows a token in any output or stores one in clear', async () => {
    const { outputs } = session;
    expect(outputs.length).toBeGreaterThan(20);
    const everything = JSON.stringify(await db.snapshot());
    for (const token of Object.values(TOKENS)) {
      for (const output of outputs) {
        expect(output.stdout).not.toContain(token);
        expect(output.stderr).not.toContain(token);
      }
      expect(everything).not.toContain(token);
      expect(everything).not.toContain(token.slice(0, 16));
    }
  });
});
