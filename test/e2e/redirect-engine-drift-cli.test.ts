import { describe, expect, it } from '@jest/globals';
import { cliSuite } from '../support/cli-suite.js';
import { runCli, type CliResult } from '../support/run-cli.js';
import { TEST_TOKEN } from '../support/scenario.js';

/** Drift of redirect rules, reconcile, and switching a site's engine while it is in maintenance. */
const suite = cliSuite({ defaultKey: true });
const REDIRECT = 'http_request_dynamic_redirect' as const;

function cli(args: string[]): Promise<CliResult> {
  return runCli(args, { env: suite.env });
}

async function ok(args: string[]): Promise<CliResult> {
  const result = await cli(args);
  expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: expect.any(String) });
  return result;
}

function ours(zoneId: string) {
  return suite.fake.rulesetRules(zoneId, REDIRECT).filter((rule) => rule.ref?.startsWith('cfm_maintenance_'));
}

async function driftOf(domain: string): Promise<{ kind: string; ruleId?: string; message: string }[]> {
  return (JSON.parse((await ok(['status', domain, '--live', '--json'])).stdout) as { drift: { kind: string; ruleId?: string; message: string }[] }[])[0].drift;
}

async function redirectSiteInMaintenance(domain: string) {
  const zone = suite.fake.addZone({ name: domain, plan: 'pro' });
  await ok(['sites', 'add', domain]);
  await ok(['sites', 'update', domain, '--engine', 'redirect_rule']);
  await ok(['enable', domain]);
  return zone;
}

/** What the zone's owner does in the dashboard: a PATCH of our rule through Cloudflare's API. */
async function editAsTheUser(zoneId: string, ruleId: string, changes: Record<string, unknown>): Promise<void> {
  const headers = { Authorization: `Bearer ${TEST_TOKEN}`, 'Content-Type': 'application/json' };
  const entrypoint = (await (await fetch(`${suite.fake.baseURL}/zones/${zoneId}/rulesets/phases/${REDIRECT}/entrypoint`, { headers })).json()) as {
    result: { id: string; rules: Record<string, unknown>[] };
  };
  // The rule as it stands, minus what Cloudflare owns (id, version, last_updated), as the dashboard would send it.
  const rule = Object.fromEntries(
    Object.entries(entrypoint.result.rules.find((candidate) => candidate.id === ruleId)!).filter(([key]) => !['id', 'version', 'last_updated'].includes(key)),
  );
  const response = await fetch(`${suite.fake.baseURL}/zones/${zoneId}/rulesets/${entrypoint.result.id}/rules/${ruleId}`, {
    method: 'PATCH',
    headers,
    body: JSON.stringify({ ...rule, ...changes }),
  });
  expect(response.status).toBe(200);
}

describe('drift of a redirect rule, and reconcile', () => {
  it('rule_missing: a rule deleted by hand is re-created, first', async () => {
    const zone = await redirectSiteInMaintenance('missing.test');
    suite.fake.seedRulesetRule(zone.id, REDIRECT, { expression: 'http.request.uri.path eq "/x"', action: 'redirect', action_parameters: { from_value: { target_url: { value: 'https://x.test/' } } }, enabled: true }, 'last');
    const [rule] = ours(zone.id);
    suite.fake.removeRulesetRule(zone.id, REDIRECT, rule.id);

    expect((await driftOf('missing.test')).map((entry) => entry.kind)).toEqual(['rule_missing']);
    await ok(['reconcile', 'missing.test']);

    expect(ours(zone.id)).toHaveLength(1);
    expect(suite.fake.rulesetRules(zone.id, REDIRECT)[0].ref).toBe(rule.ref);
    expect(await driftOf('missing.test')).toEqual([]);
  });

  it('rule_inactive: a rule disabled by hand is enabled again', async () => {
    const zone = await redirectSiteInMaintenance('inactive.test');
    const [rule] = ours(zone.id);
    await editAsTheUser(zone.id, rule.id, { enabled: false });

    expect((await driftOf('inactive.test')).map((entry) => entry.kind)).toEqual(['rule_inactive']);
    await ok(['reconcile', 'inactive.test']);

    expect(ours(zone.id)).toEqual([expect.objectContaining({ ref: rule.ref, enabled: true })]);
    expect(await driftOf('inactive.test')).toEqual([]);
  });

  it('rule_stale: a rule whose expression was changed by hand is rewritten in place', async () => {
    const zone = await redirectSiteInMaintenance('stale.test');
    const [rule] = ours(zone.id);
    await editAsTheUser(zone.id, rule.id, { expression: 'http.host eq "stale.test"' });

    expect((await driftOf('stale.test')).map((entry) => entry.kind)).toEqual(['rule_stale']);
    await ok(['reconcile', 'stale.test']);

    expect(ours(zone.id)).toEqual([expect.objectContaining({ id: rule.id, expression: rule.expression })]);
    expect(await driftOf('stale.test')).toEqual([]);
  });

  it('rule_orphaned: our rule left in the zone of a site out of maintenance is removed, the user\'s kept', async () => {
    const zone = await redirectSiteInMaintenance('orphan.test');
    const [rule] = ours(zone.id);
    suite.fake.seedRulesetRule(zone.id, REDIRECT, { expression: 'http.request.uri.path eq "/y"', action: 'redirect', action_parameters: { from_value: { target_url: { value: 'https://y.test/' } } }, enabled: true }, 'last');
    const userRule = suite.fake.rulesetRules(zone.id, REDIRECT)[1];
    // As a crash between Cloudflare's answer and our settlement would leave it.
    await suite.db.dataSource.query(`UPDATE cloudflare_sites SET maintenance_state = 'off', maintenance_rules = '[]' WHERE domain = 'orphan.test'`);

    expect(await driftOf('orphan.test')).toEqual([expect.objectContaining({ kind: 'rule_orphaned', ruleId: rule.id })]);
    await ok(['reconcile', 'orphan.test']);

    expect(suite.fake.rulesetRules(zone.id, REDIRECT)).toEqual([userRule]);
  });

  it('rule_outranked: a user redirect placed before ours for a covered host is reported and left alone', async () => {
    const zone = await redirectSiteInMaintenance('outranked.test');
    const userRuleId = suite.fake.seedRulesetRule(
      zone.id,
      REDIRECT,
      { expression: 'http.host eq "www.outranked.test"', action: 'redirect', action_parameters: { from_value: { target_url: { value: 'https://z.test/' } } }, enabled: true },
      'first',
    );
    const before = suite.fake.rulesetRules(zone.id, REDIRECT);

    expect((await driftOf('outranked.test')).map((entry) => entry.kind)).toEqual(['rule_outranked']);
    const reconciled = await ok(['reconcile', 'outranked.test', '--json']);

    expect(JSON.parse(reconciled.stdout).results[0]).toMatchObject({ outcome: 'reported' });
    expect(suite.fake.rulesetRules(zone.id, REDIRECT)).toEqual(before);
    expect(before[0].id).toBe(userRuleId);
  });
});

describe('switching the engine of a site in maintenance', () => {
  const indexOf = (predicate: (exchange: { method: string; path: string; status: number }) => boolean) =>
    suite.fake.exchanges.findIndex((exchange) => exchange.status === 200 && predicate(exchange));

  it('puts the new engine\'s rule in place before it removes the old ones, both ways', async () => {
    const zone = suite.fake.addZone({ name: 'switch.test', plan: 'pro' });
    await ok(['sites', 'add', 'switch.test']);
    await ok(['enable', 'switch.test']);
    expect(suite.fake.pageRules(zone.id)).toHaveLength(1);

    await ok(['sites', 'update', 'switch.test', '--engine', 'redirect_rule']);

    expect(suite.fake.pageRules(zone.id)).toEqual([]);
    expect(ours(zone.id)).toHaveLength(1);
    const created = indexOf((exchange) => exchange.method === 'PUT' && exchange.path.includes('/rulesets/phases/'));
    const deleted = indexOf((exchange) => exchange.method === 'DELETE' && exchange.path.includes('/pagerules/'));
    expect(created).toBeGreaterThanOrEqual(0);
    expect(deleted).toBeGreaterThan(created);
    expect(await driftOf('switch.test')).toEqual([]);

    await ok(['sites', 'update', 'switch.test', '--engine', 'page_rules']);

    expect(ours(zone.id)).toEqual([]);
    expect(suite.fake.pageRules(zone.id)).toHaveLength(1);
    expect(await driftOf('switch.test')).toEqual([]);
    await ok(['disable', 'switch.test']);
    expect(suite.fake.pageRules(zone.id)).toEqual([]);
  });

  it('keeps the old engine and its rules when the new rule cannot be created', async () => {
    const zone = suite.fake.addZone({ name: 'switch-fails.test', plan: 'pro' });
    await ok(['sites', 'add', 'switch-fails.test']);
    await ok(['enable', 'switch-fails.test']);
    const pageRules = suite.fake.pageRules(zone.id);
    suite.fake.injectFault({ method: 'PUT', path: `/zones/${zone.id}/rulesets/phases/${REDIRECT}/entrypoint`, fault: { status: 403, code: 10000, message: 'Authentication error' } });

    const result = await cli(['sites', 'update', 'switch-fails.test', '--engine', 'redirect_rule', '--json']);

    expect(result.code).toBe(1);
    expect(suite.fake.pageRules(zone.id)).toEqual(pageRules);
    expect(ours(zone.id)).toEqual([]);
    const [site] = JSON.parse((await ok(['sites', 'list', '--json'])).stdout).filter((entry: { domain: string }) => entry.domain === 'switch-fails.test');
    expect(site).toMatchObject({ engine: 'page_rules' });
    expect(await driftOf('switch-fails.test')).toEqual([]);
  });

  it('leaves an old rule it could not delete recorded with the site, and disable deletes it with the engine that made it', async () => {
    const zone = suite.fake.addZone({ name: 'switch-leftover.test', plan: 'pro' });
    await ok(['sites', 'add', 'switch-leftover.test']);
    await ok(['enable', 'switch-leftover.test']);
    const [pageRule] = suite.fake.pageRules(zone.id);
    suite.fake.injectFault({ method: 'DELETE', path: `/zones/${zone.id}/pagerules/${pageRule.id}`, times: Infinity, fault: { status: 403, code: 10000, message: 'Authentication error' } });

    const result = await cli(['sites', 'update', 'switch-leftover.test', '--engine', 'redirect_rule', '--json']);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`old rule(s) ${pageRule.id} could not be removed`);
    expect(ours(zone.id)).toHaveLength(1);
    expect(suite.fake.pageRules(zone.id)).toEqual([pageRule]);
    const [site] = JSON.parse((await ok(['sites', 'list', '--json'])).stdout).filter((entry: { domain: string }) => entry.domain === 'switch-leftover.test');
    expect(site).toMatchObject({ engine: 'redirect_rule' });
    suite.fake.clearFaults();

    await ok(['disable', 'switch-leftover.test']);

    expect(suite.fake.pageRules(zone.id)).toEqual([]);
    expect(ours(zone.id)).toEqual([]);
  });

  it('rewrites the rule in place when the excluded paths of a site in maintenance change', async () => {
    const zone = await redirectSiteInMaintenance('reapply.test');
    const [rule] = ours(zone.id);

    await ok(['sites', 'update', 'reapply.test', '--exclude-path', '/health']);

    expect(ours(zone.id)).toEqual([expect.objectContaining({ id: rule.id, expression: expect.stringContaining('starts_with(http.request.uri.path, "/health")') })]);
    expect(await driftOf('reapply.test')).toEqual([]);
  });
});
