import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/run-cli.js';
import { TEST_SECRET_KEY } from '../support/test-context.js';
import { ADMIN_DATABASE_URL } from '../support/test-database.js';

let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'startup-errors-'));
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const PASSWORD = 'Sup3r-secret-pw';

function postgresUrl(change: (url: URL) => void): string {
  const url = new URL(ADMIN_DATABASE_URL);
  change(url);
  return url.toString();
}

describe('the CLI when the database cannot be opened: one line naming what failed and what to check', () => {
  const cases: [string, () => Record<string, string>, RegExp][] = [
    [
      'nothing listens at DATABASE_URL',
      () => ({ DATABASE_URL: postgresUrl((url) => ((url.port = '1'), (url.password = PASSWORD))) }),
      /^Error: Could not open the database: PostgreSQL at 127\.0\.0\.1:1 \(database "[^"]+", user "postgres"\): nothing accepts connections there \(ECONNREFUSED\)\. Check DATABASE_URL, and that PostgreSQL runs and can be reached from here\.\n$/,
    ],
    [
      'the database named by DATABASE_URL does not exist',
      () => ({ DATABASE_URL: postgresUrl((url) => ((url.pathname = '/no_such_database'), (url.password = PASSWORD))) }),
      /^Error: Could not open the database: PostgreSQL at [^ ]+ \(database "no_such_database", user "postgres"\): database "no_such_database" does not exist \(3D000\)\. Check DATABASE_URL/,
    ],
    [
      'the host of DATABASE_URL does not resolve',
      () => ({ DATABASE_URL: postgresUrl((url) => ((url.hostname = 'no-such-host.invalid'), (url.password = PASSWORD))) }),
      /^Error: Could not open the database: PostgreSQL at no-such-host\.invalid:\d+ .*: the host name (does not resolve \(ENOTFOUND\)|could not be resolved)/,
    ],
    [
      'DATA_DIR is a file',
      () => {
        const file = join(scratch, 'a-file');
        writeFileSync(file, 'not a folder');
        return { DATA_DIR: file };
      },
      /^Error: DATA_DIR \/.*\/a-file cannot be used: it is a file, not a folder \(EEXIST\)\. Check DATA_DIR: it must be a folder this user can write\.\n$/,
    ],
  ];

  it.each(cases)('%s', async (_case, env, message) => {
    const environment: Record<string, string> = { APP_SECRET_KEY: TEST_SECRET_KEY, ...env() };
    const printed = await runCli(['list'], { env: environment });
    expect(printed.code).not.toBe(0);
    expect(printed.stdout).toBe('');
    expect(printed.stderr).toMatch(message);
    expect(printed.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(printed.stderr).not.toContain(PASSWORD);

    const json = await runCli(['list', '--json'], { env: environment });
    expect(json.code).toBe(printed.code);
    expect(json.stderr).toBe('');
    const { error } = JSON.parse(json.stdout) as { error: { kind: string; message: string } };
    expect(error.message).toBe(printed.stderr.replace(/^Error: /, '').trimEnd());
    expect(error.kind).toBe(environment.DATA_DIR ? 'config' : 'database');
    expect(json.stdout).not.toContain(PASSWORD);
  });

  it('a wrong DATABASE_URL exits 1 (the operation failed); a DATA_DIR that is a file exits 2 (bad configuration)', async () => {
    const unreachable = await runCli(['list'], { env: { APP_SECRET_KEY: TEST_SECRET_KEY, DATABASE_URL: postgresUrl((url) => (url.port = '1')) } });
    expect(unreachable.code).toBe(1);
    writeFileSync(join(scratch, 'another-file'), '');
    const file = await runCli(['list'], { env: { DATA_DIR: join(scratch, 'another-file') } });
    expect(file.code).toBe(2);
  });
});

describe('configuration refused at start-up', () => {
  it('credentials in CLOUDFLARE_API_BASE_URL, never echoing them', async () => {
    const env = { DATA_DIR: join(scratch, 'data-creds'), CLOUDFLARE_API_BASE_URL: `http://ops:${PASSWORD}@127.0.0.1:9/client/v4` };
    for (const args of [['list'], ['list', '--json']]) {
      const printed = await runCli(args, { env });
      expect(printed.code).toBe(2);
      expect(printed.stdout + printed.stderr).toMatch(
        /CLOUDFLARE_API_BASE_URL: must not contain credentials \(user:password@\): they would be shown in error messages and logs/,
      );
      expect(printed.stdout + printed.stderr).not.toContain(PASSWORD);
    }
  });

  it('"$" and a digit in PUBLIC_URL, which Cloudflare would replace with a wildcard match', async () => {
    const printed = await runCli(['list'], { env: { DATA_DIR: join(scratch, 'data-dollar'), PUBLIC_URL: 'https://status.example.org/$1' } });
    expect(printed.code).toBe(2);
    expect(printed.stderr).toMatch(/PUBLIC_URL: must not contain "\$" followed by a digit: Cloudflare would replace it with a wildcard match/);
  });

  it('an empty secret.key made beforehand in DATA_DIR, naming the file', async () => {
    const dataDir = join(scratch, 'data-empty-key');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'secret.key'), '');
    const printed = await runCli(['list'], { env: { DATA_DIR: dataDir } });
    expect(printed.code).toBe(2);
    expect(printed.stderr).toBe(
      `Error: The secret in ${join(dataDir, 'secret.key')} is empty; at least 32 are required. Delete the file to have a new one generated ` +
        'at the next start (API tokens stored under the old key must then be added again), or put a secret of your own in it.\n',
    );
  });
});
