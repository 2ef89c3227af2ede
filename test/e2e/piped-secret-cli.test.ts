import { describe, expect, it } from '@jest/globals';
import { cliSuite } from '../support/cli-suite.js';
import { runCli } from '../support/run-cli.js';
import { TEST_TOKEN } from '../support/scenario.js';

const suite = cliSuite();
const PASSWORD = 'a long enough passphrase';
const ONE_LINE = /^Error: Standard input holds 2 lines, but exactly one line is read: the (password|token), optionally followed by one line break\. Nothing was saved\.\n$/;

function cli(args: string[], stdin: string) {
  return runCli(args, { env: suite.env, stdin });
}

describe('a secret piped on standard input is exactly one line', () => {
  it.each([
    ['admin create-user, a password repeated on a second line', ['admin', 'create-user', 'a@b.cd'], `${PASSWORD}\n${PASSWORD}\n`],
    ['admin create-user, `printf \'pw\\npw\\n\'`', ['admin', 'create-user', 'a@b.c'], 'pw\npw\n'],
    ['admin create-user, an empty line after the password', ['admin', 'create-user', 'a@b.cd'], `${PASSWORD}\n\n`],
    ['admin create-user, Windows line breaks', ['admin', 'create-user', 'a@b.cd'], `${PASSWORD}\r\n${PASSWORD}\r\n`],
    ['api-keys add, a token repeated on a second line', ['api-keys', 'add', 'primary'], `${TEST_TOKEN}\n${TEST_TOKEN}\n`],
    ['api-keys add, a token then a comment line', ['api-keys', 'add', 'primary'], `${TEST_TOKEN}\n# production`],
  ])('refuses %s with exit code 2, saving nothing and printing no secret', async (_case, args, stdin) => {
    const before = await suite.db.snapshot();
    const result = await cli(args, stdin);
    expect(result).toEqual({ code: 2, stdout: '', stderr: expect.stringMatching(ONE_LINE) });
    expect(result.stderr).not.toContain(PASSWORD);
    expect(result.stderr).not.toContain(TEST_TOKEN);
    expect(await suite.db.snapshot()).toEqual(before);
  });

  it('with --json, says so in {"error": …}', async () => {
    const result = await cli(['admin', 'create-user', 'a@b.cd', '--json'], 'pw\npw\n');
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({ error: { kind: 'validation', message: expect.stringMatching(/exactly one line is read: the password/) } });
  });

  it('accepts one line with or without its final line break, which is not part of the secret', async () => {
    expect((await cli(['admin', 'create-user', 'a@b.cd'], `${PASSWORD}\n`)).code).toBe(0);
    expect((await cli(['admin', 'create-user', 'e@f.gh'], `${PASSWORD}\r\n`)).code).toBe(0);
    expect((await cli(['api-keys', 'add', 'primary', '--default'], TEST_TOKEN)).code).toBe(0);
    const rotated = await cli(['api-keys', 'rotate', 'primary'], `${TEST_TOKEN}\n${TEST_TOKEN}\n`);
    expect(rotated).toEqual({ code: 2, stdout: '', stderr: expect.stringMatching(ONE_LINE) });
  });
});
