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
      { id: expect.any(String), email: 'ops@example.com', lastLoginAt: null, createdAt: expect.any(String) },
    ]);
    expect(listed.stdout).not.toMatch(/scrypt|hash/i);
  });
});
