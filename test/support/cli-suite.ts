import { afterAll, afterEach, beforeAll, expect } from '@jest/globals';
import { FakeCloudflare } from './fake-cloudflare/index.js';
import { type CliResult, runCli } from './run-cli.js';
import { TEST_TOKEN } from './scenario.js';
import { testEnv } from './test-context.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface CliSuite {
  fake: FakeCloudflare;
  db: TestDatabase;
  /** The environment the built CLI runs with. */
  env: Record<string, string>;
}

/**
 * The world of a CLI test file: the fake Cloudflare accepting TEST_TOKEN, a fresh database, and (with
 * `defaultKey`) that token stored through the CLI as the default key; checked after every test for
 * OpenAPI violations, torn down at the end. Registers the hooks; the fields are set from beforeAll on.
 */
export function cliSuite(options: { defaultKey?: boolean } = {}): CliSuite {
  const suite = {} as CliSuite;
  beforeAll(async () => {
    suite.fake = await FakeCloudflare.start();
    suite.fake.addToken({ token: TEST_TOKEN });
    suite.db = await createTestDatabase();
    suite.env = testEnv(suite.db.url, suite.fake.baseURL);
    if (options.defaultKey) {
      const added = await runCli(['api-keys', 'add', 'primary', '--default'], { env: suite.env, stdin: TEST_TOKEN });
      expect(added.code).toBe(0);
    }
  });
  afterEach(() => {
    expect(suite.fake.violations()).toEqual([]);
  });
  afterAll(async () => {
    await suite.db?.drop();
    await suite.fake?.stop();
  });
  return suite;
}

/** Runs the built CLI with a command it must refuse with exit code 2 and the message, leaving every table as it was. */
export async function refusedWithoutWrites(suite: CliSuite, args: string[], message: RegExp, env: Record<string, string> = {}): Promise<CliResult> {
  const before = await suite.db.snapshot();
  const result = await runCli(args, { env: { ...suite.env, ...env } });
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 2, stderr: expect.stringMatching(message) });
  expect(await suite.db.snapshot()).toEqual(before);
  return result;
}
