import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { SyncReport } from '../../src/sites/site-sync.service.js';
import { FakeCloudflare } from '../support/fake-cloudflare/index.js';
import { cliSession, type CliSession, parseJson } from '../support/cli-session.js';
import { TEST_TOKEN } from '../support/scenario.js';
import { testEnv } from '../support/test-context.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let fake: FakeCloudflare;
let db: TestDatabase;
let session: CliSession;

function cli(args: string[], stdin?: string) {
  return session.run(args, stdin);
}

beforeAll(async () => {
  fake = await FakeCloudflare.start();
  db = await createTestDatabase();
  session = cliSession(testEnv(db.url, fake.baseURL));
  fake.addToken({ token: TEST_TOKEN });
  for (const name of ['alpha.com', 'beta.com', 'gamma.com']) fake.addZone({ name });
});

afterEach(() => {
  expect(fake.violations()).toEqual([]);
});

afterAll(async () => {
  await db?.drop();
  await fake?.stop();
});

describe('maintenance sync-cloudflare', () => {
  it('prints what a dry run would do and writes nothing, then does it', async () => {
    expect((await cli(['api-keys', 'add', 'primary'], TEST_TOKEN)).code).toBe(0);
    const before = await db.snapshot();

    const dry = await cli(['sync-cloudflare', '--dry-run']);

    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^Dry run: nothing was written/);
    expect(dry.stdout).toMatch(/\+ create\s+alpha\.com \(key primary\): new site, zoneId [0-9a-f]{32}, accountId [0-9a-f]{32}, zoneStatus active, /);
    expect(dry.stdout).toContain('Would have: 3 created, 0 updated, 0 unchanged, 0 deactivated, 0 failed');
    expect(await db.snapshot()).toEqual(before);

    const real = await cli(['sync-cloudflare', '--json']);
    expect(real.code).toBe(0);
    expect(parseJson<SyncReport>(real)).toMatchObject({ dryRun: false, created: 3, failed: 0 });
    const listed = parseJson<{ domain: string }[]>(await cli(['sites', 'list', '--json']));
    expect(listed.map((site) => site.domain)).toEqual(['alpha.com', 'beta.com', 'gamma.com']);
  });

  it('reports a vanished zone and a zone it cannot take, with exit code 1', async () => {
    fake.removeZone(fake.zones().find((zone) => zone.name === 'beta.com')!.id);
    fake.addZone({ name: 'odd.c0m' });

    const result = await cli(['sync-cloudflare', '--api-key', 'primary', '--force']);

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/- deactivate\s+beta\.com \(key primary\): its zone is no longer in Cloudflare/);
    expect(result.stdout).toMatch(/! failed\s+odd\.c0m \(key primary\): Invalid domain "odd\.c0m"/);
    expect(result.stdout).toContain('0 created, 0 updated, 2 unchanged, 1 deactivated, 1 failed');
  });

  it('refuses an unknown key with exit code 2', async () => {
    const result = await cli(['sync-cloudflare', '--api-key', 'nosuch']);
    expect(result).toMatchObject({ code: 2, stderr: expect.stringMatching(/Unknown API key "nosuch"/) });
  });
});
