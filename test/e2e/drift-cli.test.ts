import { describe, expect, it } from '@jest/globals';
import { cliSuite } from '../support/cli-suite.js';
import { runCli } from '../support/run-cli.js';

const suite = cliSuite({ defaultKey: true });

describe('drift through the CLI', () => {
  it('status --live names a rule deleted by hand, and reconcile repairs it', async () => {
    const zone = suite.fake.addZone({ name: 'drifting.com' });
    expect((await runCli(['sites', 'add', 'drifting.com'], { env: suite.env })).code).toBe(0);
    expect((await runCli(['enable', 'drifting.com'], { env: suite.env })).code).toBe(0);
    const [rule] = suite.fake.pageRules(zone.id);
    suite.fake.deletePageRuleDirectly(zone.id, rule.id);

    const human = await runCli(['status', 'drifting.com', '--live'], { env: suite.env });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`DRIFT rule_missing: rule ${rule.id} (*drifting.com/*) is no longer in the zone`);
    const live = JSON.parse((await runCli(['status', 'drifting.com', '--live', '--json'], { env: suite.env })).stdout);
    expect(live[0].drift.map((entry: { kind: string }) => entry.kind)).toEqual(['rule_missing']);

    const dry = await runCli(['reconcile', 'drifting.com', '--dry-run', '--json'], { env: suite.env });
    expect(JSON.parse(dry.stdout).results[0]).toMatchObject({ outcome: 'would_repair', repair: 'recreate' });
    expect(suite.fake.pageRules(zone.id)).toEqual([]);

    const repaired = await runCli(['reconcile', 'drifting.com'], { env: suite.env });
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toMatch(/drifting\.com\s*│\s*repaired\s*│\s*re-create the missing rules/);
    expect(suite.fake.pageRules(zone.id)).toHaveLength(1);
    const after = JSON.parse((await runCli(['status', 'drifting.com', '--live', '--json'], { env: suite.env })).stdout);
    expect(after[0]).toMatchObject({ inMaintenance: true, drift: [] });
    expect(suite.fake.violations()).toEqual([]);
  });
});
