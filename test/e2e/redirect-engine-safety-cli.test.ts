import { describe, expect, it } from '@jest/globals';
import { cliSuite } from '../support/cli-suite.js';
import { runCli, type CliResult } from '../support/run-cli.js';

/** The redirect_rule engine's promises under faults, full zones and concurrency (built CLI, fake Cloudflare, PostgreSQL). */
const suite = cliSuite({ defaultKey: true });
const REDIRECT = 'http_request_dynamic_redirect' as const;

function cli(args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, { env: { ...suite.env, ...extraEnv } });
}

async function ok(args: string[]): Promise<CliResult> {
  const result = await cli(args);
  expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: expect.any(String) });
  return result;
}

function userRedirect(index: number) {
  return {
    description: `user redirect ${index}`,
    expression: `http.request.uri.path eq "/old-${index}"`,
    action: 'redirect',
    action_parameters: { from_value: { target_url: { value: `https://elsewhere.test/${index}` }, status_code: 301 } },
    enabled: true,
  };
}

function ours(zoneId: string) {
  return suite.fake.rulesetRules(zoneId, REDIRECT).filter((rule) => rule.ref?.startsWith('cfm_maintenance_'));
}

async function redirectSite(domain: string, plan: 'free' | 'pro' = 'free') {
  const zone = suite.fake.addZone({ name: domain, plan });
  await ok(['sites', 'add', domain]);
  await ok(['sites', 'update', domain, '--engine', 'redirect_rule']);
  return zone;
}

const writes = (zoneId: string) =>
  suite.fake.exchanges.filter((exchange) => exchange.method !== 'GET' && exchange.path.includes(`/zones/${zoneId}/`));

describe('a lost answer to the rule\'s POST', () => {
  it('is recognised by ref on the retry: one rule, recorded, no drift', async () => {
    const zone = await redirectSite('lost-post.test');
    suite.fake.seedRulesetRule(zone.id, REDIRECT, userRedirect(1));
    suite.fake.injectFault({ method: 'POST', path: new RegExp(`^/zones/${zone.id}/rulesets/[^/]+/rules$`), fault: 'timeout', afterHandling: true });

    const enabled = await ok(['enable', 'lost-post.test', '--json']);

    expect(ours(zone.id)).toHaveLength(1);
    expect(JSON.parse(enabled.stdout).ruleIds).toEqual([ours(zone.id)[0].id]);
    expect(writes(zone.id).filter((exchange) => exchange.method === 'POST')).toHaveLength(1);
    const live = JSON.parse((await ok(['status', 'lost-post.test', '--live', '--json'])).stdout);
    expect(live[0].drift).toEqual([]);
    await ok(['disable', 'lost-post.test']);
    expect(suite.fake.rulesetRules(zone.id, REDIRECT)).toHaveLength(1);
  });

  it('is recognised by ref when the lost call created the entrypoint (PUT), never PUT twice', async () => {
    const zone = await redirectSite('lost-put.test');
    suite.fake.injectFault({ method: 'PUT', path: `/zones/${zone.id}/rulesets/phases/${REDIRECT}/entrypoint`, fault: 'reset', afterHandling: true });

    await ok(['enable', 'lost-put.test']);

    expect(ours(zone.id)).toHaveLength(1);
    expect(writes(zone.id).filter((exchange) => exchange.method === 'PUT')).toHaveLength(1);
  });

  it('when every retry fails too, leaves the rule as an orphan that status names and reconcile removes', async () => {
    const zone = await redirectSite('lost-orphan.test');
    suite.fake.seedRulesetRule(zone.id, REDIRECT, userRedirect(1));
    suite.fake.injectFault({ method: 'POST', path: new RegExp(`^/zones/${zone.id}/rulesets/[^/]+/rules$`), fault: 'timeout', afterHandling: true });
    // The read before planning succeeds; every read that precedes a retry of the POST fails.
    suite.fake.injectFault({ method: 'GET', path: `/zones/${zone.id}/rulesets/phases/${REDIRECT}/entrypoint`, fault: { status: 503 }, skip: 1, times: 10 });

    const failed = await cli(['enable', 'lost-orphan.test', '--json']);
    suite.fake.clearFaults();

    expect(failed.code).toBe(1);
    expect(ours(zone.id)).toHaveLength(1);
    const live = JSON.parse((await ok(['status', 'lost-orphan.test', '--live', '--json'])).stdout);
    expect(live[0]).toMatchObject({ inMaintenance: false, drift: [expect.objectContaining({ kind: 'rule_orphaned', ruleId: ours(zone.id)[0].id })] });
    await ok(['reconcile', 'lost-orphan.test']);
    expect(ours(zone.id)).toEqual([]);
    expect(suite.fake.rulesetRules(zone.id, REDIRECT)).toHaveLength(1);
  });
});

describe('the quota pre-flight', () => {
  it('refuses a Free zone holding 10 redirect rules before any write: exit 1, kind quota, needed/free/plan named', async () => {
    const zone = await redirectSite('full-zone.test', 'free');
    for (let index = 0; index < 10; index++) suite.fake.seedRulesetRule(zone.id, REDIRECT, userRedirect(index));
    const before = suite.fake.rulesetRules(zone.id, REDIRECT);
    const writesBefore = writes(zone.id).length;

    const result = await cli(['enable', 'full-zone.test', '--json']);

    expect(result.code).toBe(1);
    const error = (JSON.parse(result.stdout) as { error: { kind: string; message: string } }).error;
    expect(error.kind).toBe('quota');
    expect(error.message).toMatch(/needs 1 new rule\(s\) in the zone's http_request_dynamic_redirect phase but it has 0 free \(10 allowed on the Free plan, 10 in use\)/);
    expect(writes(zone.id)).toHaveLength(writesBefore);
    expect(suite.fake.rulesetRules(zone.id, REDIRECT)).toEqual(before);
    const status = JSON.parse((await ok(['status', 'full-zone.test', '--json'])).stdout);
    expect(status).toEqual([expect.objectContaining({ inMaintenance: false, rules: [] })]);
  });
});

describe('ten concurrent enables of one site', () => {
  it('make one rule', async () => {
    const zone = await redirectSite('busy.test', 'pro');
    const results = await Promise.all(Array.from({ length: 10 }, () => cli(['enable', 'busy.test', '--json'])));
    expect(results.map((result) => result.code)).toEqual(Array(10).fill(0));
    expect(ours(zone.id)).toHaveLength(1);
    const outcomes = results.map((result) => (JSON.parse(result.stdout) as { outcome: string }).outcome);
    expect(outcomes.filter((outcome) => outcome === 'success')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'skipped')).toHaveLength(9);
  });
});

describe('bulk with both engines', () => {
  it('enables and disables a page_rules site and a redirect_rule site in one run, each with its own rules', async () => {
    const pageZone = suite.fake.addZone({ name: 'bulk-pages.test', plan: 'pro' });
    await ok(['sites', 'add', 'bulk-pages.test']);
    const redirectZone = await redirectSite('bulk-redirect.test', 'pro');

    const enabled = await ok(['enable', 'bulk-pages.test', 'bulk-redirect.test', '--json']);

    expect((JSON.parse(enabled.stdout) as { results: { domain: string; outcome: string }[] }).results.map((result) => result.outcome)).toEqual(['done', 'done']);
    expect(suite.fake.pageRules(pageZone.id)).toHaveLength(1);
    expect(suite.fake.hasEntrypoint(pageZone.id, REDIRECT)).toBe(false);
    expect(ours(redirectZone.id)).toHaveLength(1);
    expect(suite.fake.pageRules(redirectZone.id)).toEqual([]);

    await ok(['disable', 'bulk-pages.test', 'bulk-redirect.test', '--json']);

    expect(suite.fake.pageRules(pageZone.id)).toEqual([]);
    expect(ours(redirectZone.id)).toEqual([]);
  });
});

