import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeCloudflare } from '../support/fake-cloudflare/index.js';
import { runCli } from '../support/run-cli.js';
import { TEST_TOKEN } from '../support/scenario.js';
import { testEnv } from '../support/test-context.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let fake: FakeCloudflare;
let db: TestDatabase;
let env: Record<string, string>;

beforeAll(async () => {
  fake = await FakeCloudflare.start();
  db = await createTestDatabase();
  env = testEnv(db.url, fake.baseURL);
  fake.addToken({ token: TEST_TOKEN });
  expect((await runCli(['api-keys', 'add', 'primary', '--default'], { env, stdin: TEST_TOKEN })).code).toBe(0);
});

afterAll(async () => {
  await db?.drop();
  await fake?.stop();
});

describe('drift through the CLI', () => {
  it('status --live names a rule deleted by hand, and reconcile repairs it', async () => {
    const zone = fake.addZone({ name: 'drifting.com' });
    expect((await runCli(['sites', 'add', 'drifting.com'], { env })).code).toBe(0);
    expect((await runCli(['enable', 'drifting.com'], { env })).code).toBe(0);
    const [rule] = fake.pageRules(zone.id);
    fake.deletePageRuleDirectly(zone.id, rule!.id);

    const human = await runCli(['status', 'drifting.com', '--live'], { env });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`DRIFT rule_missing: rule ${rule!.id} (*drifting.com/*) is no longer in the zone`);
    const live = JSON.parse((await runCli(['status', 'drifting.com', '--live', '--json'], { env })).stdout);
    expect(live[0].drift.map((entry: { kind: string }) => entry.kind)).toEqual(['rule_missing']);

    const dry = await runCli(['reconcile', 'drifting.com', '--dry-run', '--json'], { env });
    expect(JSON.parse(dry.stdout).results[0]).toMatchObject({ outcome: 'would_repair', repair: 'recreate' });
    expect(fake.pageRules(zone.id)).toEqual([]);

    const repaired = await runCli(['reconcile', 'drifting.com'], { env });
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toMatch(/drifting\.com\s*│\s*repaired\s*│\s*re-create the missing rules/);
    expect(fake.pageRules(zone.id)).toHaveLength(1);
    const after = JSON.parse((await runCli(['status', 'drifting.com', '--live', '--json'], { env })).stdout);
    expect(after[0]).toMatchObject({ inMaintenance: true, drift: [] });
    expect(fake.violations()).toEqual([]);
  });
});
