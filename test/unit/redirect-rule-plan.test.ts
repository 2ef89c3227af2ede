import { describe, expect, it } from '@jest/globals';
import { REDIRECT_PHASE, RESPONSE_HEADERS_PHASE, type RulesetRecord, type RulesetRuleRecord } from '../../src/cloudflare/rulesets.js';
import { QuotaError } from '../../src/common/errors.js';
import { detectDrift, type RedirectSiteSnapshot } from '../../src/maintenance/engines/redirect-rule/drift.js';
import { planQuota } from '../../src/maintenance/engines/redirect-rule/plan-quota.js';
import { hostCondition, maskSecret, ruleExpressions } from '../../src/maintenance/engines/redirect-rule/redirect-expression.js';
import { type Entrypoints, planRules } from '../../src/maintenance/engines/redirect-rule/rule-plan.js';
import { refOf } from '../../src/maintenance/engines/redirect-rule/rule-refs.js';
import { desiredRules } from '../../src/maintenance/engines/redirect-rule/rule-specs.js';
import { quote } from '../../src/maintenance/engines/redirect-rule/rules-language.js';

const SITE_ID = '6f1c2b1e-0000-4000-8000-000000000001';
const URL_ = 'https://status.example.net/maintenance?site=shop.test';
const SECRET = 'A'.repeat(21) + '_-' + 'b'.repeat(20);
const all = { id: SITE_ID, domain: 'shop.test', includeSubdomains: true, subdomainList: [], maintenanceUrl: URL_ };
const apex = { ...all, includeSubdomains: false };
const listed = { ...all, includeSubdomains: false, subdomainList: ['www', 'api'] };
const noAccess = { bypassIps: [], bypassSecret: null, excludedPaths: [] };
const fullAccess = { bypassIps: ['203.0.113.0/24', '2001:db8::/32'], bypassSecret: SECRET, excludedPaths: ['/.well-known/acme-challenge/', '/api/webhooks/'] };
const FREE = { plan: 'free' as const, quota: 10, assumed: false };

function userRedirect(id: string, expression: string, enabled = true): RulesetRuleRecord {
  return { id, ref: id, expression, action: 'redirect', enabled, description: `user rule ${id}`, action_parameters: { from_value: { target_url: { value: 'https://x.test/' }, status_code: 301 } } };
}

function asZoneRule(spec: ReturnType<typeof desiredRules>['rules'][number]['spec'], id: string, enabled = true): RulesetRuleRecord {
  return { ...spec, id, enabled, action_parameters: spec.action_parameters };
}

function entrypoints(redirects: RulesetRuleRecord[] | null, headers: RulesetRuleRecord[] | null = null): Entrypoints {
  const ruleset = (id: string, rules: RulesetRuleRecord[] | null): RulesetRecord | null => (rules ? { id, rules } : null);
  return new Map([
    [REDIRECT_PHASE, ruleset('rs-redirect', redirects)],
    [RESPONSE_HEADERS_PHASE, ruleset('rs-headers', headers)],
  ]);
}

describe('redirect expression', () => {
  it('covers exactly the hosts of each shape', () => {
    expect(hostCondition(all)).toBe('(http.host eq "shop.test" or ends_with(http.host, ".shop.test"))');
    expect(hostCondition(apex)).toBe('http.host eq "shop.test"');
    expect(hostCondition(listed)).toBe('http.host in {"shop.test" "www.shop.test" "api.shop.test"}');
  });

  it('is only the hosts without any exemption, and exempts addresses, the secret, paths otherwise', () => {
    expect(ruleExpressions(all, noAccess, URL_)).toEqual({ redirect: hostCondition(all), cookieLink: undefined, exemptedOwnPath: undefined });
    const { redirect, cookieLink } = ruleExpressions(all, fullAccess, URL_);
    expect(redirect).toBe(
      `${hostCondition(all)} and not (ip.src in {203.0.113.0/24 2001:db8::/32} or http.cookie contains "cfm_bypass=${SECRET}" ` +
        `or any(http.request.headers["x-maintenance-bypass"][*] eq "${SECRET}") or http.request.uri.query contains "cfm_bypass=${SECRET}" ` +
        'or starts_with(http.request.uri.path, "/.well-known/acme-challenge/") or starts_with(http.request.uri.path, "/api/webhooks/"))',
    );
    expect(cookieLink).toBe(`${hostCondition(all)} and http.request.uri.query contains "cfm_bypass=${SECRET}"`);
  });

  it('lets the maintenance page through when it is on a covered host, and only then', () => {
    const onSite = ruleExpressions(all, noAccess, 'https://www.shop.test/down.html?x=1');
    expect(onSite.exemptedOwnPath).toBe('/down.html');
    expect(onSite.redirect).toBe(`${hostCondition(all)} and not (http.request.uri.path eq "/down.html")`);
    expect(ruleExpressions(listed, noAccess, 'https://blog.shop.test/down.html').exemptedOwnPath).toBeUndefined();
    expect(ruleExpressions(all, noAccess, 'https://notshop.test/down.html').exemptedOwnPath).toBeUndefined();
  });

  it('quotes strings for the Rules language and masks the secret in what is shown', () => {
    expect(quote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(maskSecret(ruleExpressions(all, fullAccess, URL_).redirect, SECRET)).not.toContain(SECRET);
  });
});

describe('redirect rule specs', () => {
  it('redirect with 302, without the query string, under our ref; a header rule only with a secret', () => {
    const [redirect] = desiredRules(all, noAccess, URL_).rules;
    expect(redirect.spec).toMatchObject({
      ref: refOf('redirect', SITE_ID),
      action: 'redirect',
      action_parameters: { from_value: { target_url: { value: URL_ }, status_code: 302, preserve_query_string: false } },
      enabled: true,
    });
    expect(redirect.spec.description).toMatch(/^cloudflare-maintenance: shop\.test/);
    expect(desiredRules(all, noAccess, URL_).rules).toHaveLength(1);
    const withSecret = desiredRules(all, fullAccess, URL_).rules;
    expect(withSecret.map((rule) => rule.phase)).toEqual([REDIRECT_PHASE, RESPONSE_HEADERS_PHASE]);
    expect(withSecret[1].spec).toMatchObject({
      action: 'rewrite',
      action_parameters: { headers: { 'set-cookie': { operation: 'add', value: expect.stringMatching(new RegExp(`^cfm_bypass=${SECRET}; Domain=shop\\.test; Path=/; Max-Age=\\d+; Secure; HttpOnly; SameSite=Lax$`)) } } },
    });
  });
});

describe('planQuota', () => {
  it('reads the plan from the zone, assuming Free when it cannot', () => {
    expect(planQuota({ plan: { legacy_id: 'free', name: 'Free Website' } })).toEqual({ plan: 'free', quota: 10, assumed: false });
    expect(planQuota({ plan: { name: 'Pro Website' } })).toEqual({ plan: 'pro', quota: 25, assumed: false });
    expect(planQuota({ plan: { legacy_id: 'business' } })).toEqual({ plan: 'business', quota: 50, assumed: false });
    expect(planQuota({ plan: { legacy_id: 'enterprise' } })).toEqual({ plan: 'enterprise', quota: 300, assumed: false });
    expect(planQuota({})).toEqual({ plan: 'free', quota: 10, assumed: true });
  });
});

describe('planRules', () => {
  const desired = desiredRules(all, noAccess, URL_).rules;
  const users = Array.from({ length: 9 }, (_, index) => userRedirect(`u${index}`, `http.request.uri.path eq "/old${index}"`));

  it('creates the rule when none of ours exists, into a new entrypoint when the zone has none', () => {
    expect(planRules('shop.test', desired, [], entrypoints(null), FREE)).toEqual([{ kind: 'create', desired: desired[0], rulesetId: null }]);
    expect(planRules('shop.test', desired, [], entrypoints(users), FREE)).toEqual([{ kind: 'create', desired: desired[0], rulesetId: 'rs-redirect' }]);
  });

  it('adopts ours by ref, and rewrites it when disabled or stale', () => {
    const ours = asZoneRule(desired[0].spec, 'r1');
    expect(planRules('shop.test', desired, [], entrypoints([ours]), FREE)[0]).toMatchObject({ kind: 'adopt', rule: { id: 'r1' } });
    expect(planRules('shop.test', desired, [], entrypoints([{ ...ours, enabled: false }]), FREE)[0]).toMatchObject({ kind: 'update', rulesetId: 'rs-redirect' });
    expect(planRules('shop.test', desired, [], entrypoints([{ ...ours, expression: 'http.host eq "shop.test"' }]), FREE)[0]).toMatchObject({ kind: 'update' });
  });

  it('refuses before any write when the phase is full, naming needed, free and the plan', () => {
    const full = [...users, userRedirect('u9', 'http.request.uri.path eq "/last"')];
    const refusal = (() => {
      try {
        planRules('shop.test', desired, [], entrypoints(full), FREE);
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(QuotaError);
    expect(refusal).toMatchObject({ needed: 1, free: 0, quota: 10 });
    expect((refusal as Error).message).toMatch(/needs 1 new rule\(s\).*has 0 free \(10 allowed on the Free plan, 10 in use\)/);
    // An adopted rule needs no room.
    expect(planRules('shop.test', desired, [], entrypoints([...users, asZoneRule(desired[0].spec, 'r1')]), FREE)[0].kind).toBe('adopt');
  });
});

describe('redirect drift', () => {
  const desired = desiredRules(all, noAccess, URL_).rules;
  const ours = asZoneRule(desired[0].spec, 'r1');
  const snapshot = (overrides: Partial<RedirectSiteSnapshot> = {}): RedirectSiteSnapshot => ({
    ...all,
    maintenanceState: 'on',
    maintenanceRules: [{ id: 'r1', target: refOf('redirect', SITE_ID) }],
    ...overrides,
  });
  const kinds = (site: RedirectSiteSnapshot, zone: Entrypoints) => detectDrift(site, desired, zone, false).map((entry) => entry.kind);

  it('is in sync when our rule is first, enabled and as the settings need', () => {
    expect(kinds(snapshot(), entrypoints([ours, userRedirect('u1', 'http.host eq "other.test"')]))).toEqual([]);
  });

  it('names a missing, orphaned, disabled, stale and outranked rule', () => {
    expect(kinds(snapshot(), entrypoints([]))).toEqual(['rule_missing']);
    expect(kinds(snapshot({ maintenanceRules: [] }), entrypoints(null))).toEqual(['rule_missing']);
    expect(kinds(snapshot({ maintenanceRules: [] }), entrypoints([ours]))).toEqual(['rule_orphaned']);
    expect(kinds(snapshot({ maintenanceState: 'off', maintenanceRules: [] }), entrypoints([ours]))).toEqual(['rule_orphaned']);
    expect(kinds(snapshot(), entrypoints([{ ...ours, enabled: false }]))).toEqual(['rule_inactive']);
    expect(kinds(snapshot(), entrypoints([{ ...ours, expression: 'http.host eq "shop.test"' }]))).toEqual(['rule_stale']);
    expect(kinds(snapshot(), entrypoints([userRedirect('u1', 'http.host eq "www.shop.test"'), ours]))).toEqual(['rule_outranked']);
    expect(kinds(snapshot(), entrypoints([userRedirect('u1', 'http.request.uri.path eq "/old"'), ours]))).toEqual(['rule_outranked']);
  });

  it('does not call a user rule for other hosts, or a disabled one, outranking', () => {
    expect(kinds(snapshot(), entrypoints([userRedirect('u1', 'http.host eq "notshop.test"'), ours]))).toEqual([]);
    expect(kinds(snapshot(), entrypoints([userRedirect('u1', 'http.host eq "www.shop.test"', false), ours]))).toEqual([]);
  });

  it('calls a bypass-cookie rule the settings no longer need orphaned', () => {
    const [, cookie] = desiredRules(all, fullAccess, URL_).rules;
    expect(kinds(snapshot(), entrypoints([ours], [asZoneRule(cookie.spec, 'h1')]))).toEqual(['rule_orphaned']);
  });
});
