import { describe, expect, it } from '@jest/globals';
import { cliSuite } from '../support/cli-suite.js';
import { runCli } from '../support/run-cli.js';
import { TEST_PUBLIC_URL } from '../support/test-context.js';

const suite = cliSuite();
const PASSWORD = 'a long enough passphrase';

function cli(args: string[], stdin?: string) {
  return runCli(args, { env: suite.env, stdin });
}

describe('maintenance admin', () => {
  it('create-user reads the password from standard input, stores only its hash and never prints it', async () => {
    const created = await cli(['admin', 'create-user', 'Ops@Example.com'], `${PASSWORD}\n`);

    expect(created).toEqual({ code: 0, stdout: `Created admin user ops@example.com. Log in at ${TEST_PUBLIC_URL}/admin.\n`, stderr: '' });
    const [row] = await suite.db.dataSource.query(`SELECT email, password_hash FROM admin_users`);
    expect(row.email).toBe('ops@example.com');
    expect(row.password_hash).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$/);
    expect(row.password_hash).not.toContain(PASSWORD);
  });

  it('refuses bad input with exit code 2, a specific message, and nothing written', async () => {
    const before = await suite.db.snapshot();

    const results = await Promise.all([
      cli(['admin', 'create-user', 'not-an-address'], PASSWORD),
      cli(['admin', 'create-user', 'short@example.com'], 'short\n'),
      cli(['admin', 'create-user', 'ops@example.com'], PASSWORD),
      cli(['admin', 'create-user'], PASSWORD),
    ]);

    expect(results.map((result) => result.code)).toEqual([2, 2, 2, 2]);
    expect(results[0].stderr).toBe('Error: Invalid e-mail address "not-an-address": expected one address such as ops@example.com.\n');
    expect(results[1].stderr).toBe('Error: The password is too short (5 characters): use at least 12, e.g. a few unrelated words.\n');
    expect(results[2].stderr).toBe('Error: An admin user ops@example.com already exists.\n');
    expect(results[3].stderr).toMatch(/missing required argument 'email'/);
    for (const result of results) expect(result.stdout + result.stderr).not.toContain(PASSWORD);
    expect(await suite.db.snapshot()).toEqual(before);
  });

  it('list-users shows who may log in, without any hash', async () => {
    const listed = await cli(['admin', 'list-users', '--json']);

    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([
      {
        id: expect.any(String),
        email: 'ops@example.com',
        role: 'admin',
        scope: { domains: [], apiKeyIds: [] },
        isActive: true,
        lastLoginAt: null,
        createdAt: expect.any(String),
      },
    ]);
    expect(listed.stdout).not.toMatch(/scrypt|hash/i);
  });

  it('remove-user and revoke-sessions refuse an unknown user or a malformed address with exit code 2, changing nothing', async () => {
    const before = await suite.db.snapshot();

    const results = await Promise.all([
      cli(['admin', 'remove-user', 'nobody@example.com']),
      cli(['admin', 'revoke-sessions', 'nobody@example.com']),
      cli(['admin', 'remove-user', 'not-an-address']),
      cli(['admin', 'revoke-sessions', 'nobody@example.com', '--json']),
    ]);

    expect(results.map((result) => result.code)).toEqual([2, 2, 2, 2]);
    const unknown = 'There is no admin user nobody@example.com; `maintenance admin list-users` lists them.';
    expect(results[0].stderr).toBe(`Error: ${unknown}\n`);
    expect(results[1].stderr).toBe(`Error: ${unknown}\n`);
    expect(results[2].stderr).toBe('Error: Invalid e-mail address "not-an-address": expected one address such as ops@example.com.\n');
    expect(JSON.parse(results[3].stdout)).toEqual({ error: { kind: 'not_found', message: unknown } });
    expect(await suite.db.snapshot()).toEqual(before);
  });
});

describe('maintenance admin create-user --role', () => {
  const fresh = cliSuite();
  const freshCli = (args: string[], stdin?: string) => runCli(args, { env: fresh.env, stdin });

  it('makes the first user an admin whatever is asked, later users what is asked, and refuses an unknown role with exit 2', async () => {
    const firstAsViewer = await freshCli(['admin', 'create-user', 'first@example.com', '--role', 'viewer'], `${PASSWORD}\n`);
    expect(firstAsViewer).toEqual({
      code: 2,
      stdout: '',
      stderr: 'Error: The first user is always an admin (not viewer): nobody else could manage the users.\n',
    });
    expect(await fresh.db.dataSource.query('SELECT count(*)::int AS count FROM admin_users')).toEqual([{ count: 0 }]);

    expect((await freshCli(['admin', 'create-user', 'first@example.com'], `${PASSWORD}\n`)).code).toBe(0);
    const viewer = await freshCli(['admin', 'create-user', 'viewer@example.com', '--role', 'Viewer'], `${PASSWORD}\n`);
    expect(viewer).toEqual({ code: 0, stdout: `Created admin user viewer@example.com (viewer). Log in at ${TEST_PUBLIC_URL}/admin.\n`, stderr: '' });
    const unknown = await freshCli(['admin', 'create-user', 'root@example.com', '--role', 'root'], `${PASSWORD}\n`);
    expect([unknown.code, unknown.stderr]).toEqual([2, 'Error: Unknown role "root": expected one of viewer, operator, admin.\n']);

    expect(await fresh.db.dataSource.query('SELECT email, role FROM admin_users ORDER BY email')).toEqual([
      { email: 'first@example.com', role: 'admin' },
      { email: 'viewer@example.com', role: 'viewer' },
    ]);
    const listed = await freshCli(['admin', 'list-users']);
    expect(listed.stdout).toMatch(/viewer@example\.com\s*│\s*viewer\s*│\s*every site\s*│\s*yes/);
  });
});
