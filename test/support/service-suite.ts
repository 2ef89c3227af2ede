import { afterAll, afterEach, beforeAll, expect } from '@jest/globals';
import { FakeCloudflare } from './fake-cloudflare/index.js';
import { givenDefaultKey } from './scenario.js';
import { createTestContext, testEnv, type TestContext } from './test-context.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface ServiceSuite {
  fake: FakeCloudflare;
  db: TestDatabase;
  /** The environment of ctx, also right for the CLI's child processes. */
  env: Record<string, string>;
  ctx: TestContext;
}

/**
 * The usual world of a test file: the fake Cloudflare, a fresh database, the real services and a default
 * API key, checked after every test for OpenAPI violations (faults and rate limit cleared), torn down at
 * the end. Registers the hooks; the fields are set from the first beforeAll on.
 */
export function serviceSuite(): ServiceSuite {
  const suite = {} as ServiceSuite;
  beforeAll(async () => {
    suite.fake = await FakeCloudflare.start();
    suite.db = await createTestDatabase();
    suite.env = testEnv(suite.db.url, suite.fake.baseURL);
    suite.ctx = await createTestContext(suite.env);
    await givenDefaultKey(suite.ctx, suite.fake);
  });
  afterEach(() => {
    suite.fake.clearFaults();
    suite.fake.setRateLimit(undefined);
    expect(suite.fake.violations()).toEqual([]);
  });
  afterAll(async () => {
    await suite.ctx?.close();
    await suite.db?.drop();
    await suite.fake?.stop();
  });
  return suite;
}
