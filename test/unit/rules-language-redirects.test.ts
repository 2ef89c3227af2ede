import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { FakeCloudflare, type FakeZone } from '../support/fake-cloudflare/index.js';
import {
  redirectFor,
  redirectTarget,
  responseHeaderChanges,
  type RulesRequest,
} from '../support/rules-language/index.js';

const TOKEN = 'fake-token-0123456789abcdefghijklmnopqrstu';
const PHASE = 'http_request_dynamic_redirect';

function redirectRule(expression: string, target: string, extra: { enabled?: boolean; ref?: string } = {}) {
  return {
    action: 'redirect',
    expression,
    action_parameters: { from_value: { target_url: { value: target }, status_code: 302 } },
    ...extra,
  };
}

let fake: FakeCloudflare;
let zone: FakeZone;

beforeAll(async () => {
  fake = await FakeCloudflare.start();
});

afterAll(async () => {
  await fake.stop();
});

beforeEach(() => {
  fake.reset();
  fake.addToken({ token: TOKEN });
  zone = fake.addZone({ name: 'shop.test' });
});

describe('redirectFor: what a request gets from a redirect entry point', () => {
  const visitor = (request: Partial<RulesRequest> = {}): RulesRequest => ({
    host: 'shop.test',
    path: '/',
    ip: '198.51.100.7',
    ...request,
  });

  it('applies the first enabled rule that matches, in the entry point order', () => {
    const ours =
      'http.host in {"shop.test" "www.shop.test"} and not ip.src in {203.0.113.0/24} and not starts_with(http.request.uri.path, "/.well-known/acme-challenge/")';
    fake.seedRulesetRule(
      zone.id,
      PHASE,
      redirectRule('http.host eq "shop.test"', 'https://off.test/', { enabled: false }),
    );
    fake.seedRulesetRule(zone.id, PHASE, redirectRule(ours, 'https://status.test/maintenance', { ref: 'ours' }));
    fake.seedRulesetRule(zone.id, PHASE, redirectRule('true', 'https://catch-all.test/', { ref: 'user' }));
    const rules = fake.rulesetRules(zone.id, PHASE);

    expect(redirectFor(rules, visitor())?.ref).toBe('ours');
    expect(redirectFor(rules, visitor({ host: 'www.shop.test' }))?.ref).toBe('ours');
    expect(redirectFor(rules, visitor({ ip: '203.0.113.9' }))?.ref).toBe('user');
    expect(redirectFor(rules, visitor({ path: '/.well-known/acme-challenge/x' }))?.ref).toBe('user');
    expect(redirectFor(rules, visitor({ host: 'notshop.test' }))?.ref).toBe('user');
  });

  it('lets a user rule placed first outrank ours', () => {
    fake.seedRulesetRule(
      zone.id,
      PHASE,
      redirectRule('http.host eq "shop.test"', 'https://status.test/', { ref: 'ours' }),
    );
    fake.seedRulesetRule(
      zone.id,
      PHASE,
      redirectRule('http.host eq "shop.test"', 'https://elsewhere.test/', { ref: 'user' }),
      'first',
    );
    expect(redirectFor(fake.rulesetRules(zone.id, PHASE), visitor())?.ref).toBe('user');
  });

  it('gives nothing when no rule matches, or the phase has no entry point', () => {
    expect(redirectFor(fake.rulesetRules(zone.id, PHASE), visitor())).toBeUndefined();
    fake.seedRulesetRule(zone.id, PHASE, redirectRule('http.host eq "shop.test"', 'https://status.test/'));
    expect(redirectFor(fake.rulesetRules(zone.id, PHASE), visitor({ host: 'shop.test.evil.com' }))).toBeUndefined();
  });
});

describe('redirectTarget: where a redirect rule sends a request', () => {
  const request: RulesRequest = { host: 'shop.test', path: '/cart', query: 'id=7', ip: '198.51.100.7' };

  it('uses the static URL and the status code, 301 when the rule gives none', () => {
    fake.seedRulesetRule(zone.id, PHASE, redirectRule('true', 'https://status.test/maintenance?site=shop.test'));
    fake.seedRulesetRule(zone.id, PHASE, {
      action: 'redirect',
      expression: 'true',
      action_parameters: { from_value: { target_url: { value: 'https://status.test/' }, preserve_query_string: true } },
    });
    const [fixed, preserving] = fake.rulesetRules(zone.id, PHASE);
    expect(fixed && redirectTarget(fixed, request)).toEqual({
      location: 'https://status.test/maintenance?site=shop.test',
      status: 302,
    });
    expect(preserving && redirectTarget(preserving, request)).toEqual({
      location: 'https://status.test/?id=7',
      status: 301,
    });
  });

  it('evaluates a dynamic target expression for the request', () => {
    fake.seedRulesetRule(zone.id, PHASE, {
      action: 'redirect',
      expression: 'true',
      action_parameters: {
        from_value: {
          target_url: { expression: 'concat("https://status.test", http.request.uri.path)' },
          status_code: 307,
        },
      },
    });
    const [rule] = fake.rulesetRules(zone.id, PHASE);
    expect(rule && redirectTarget(rule, request)).toEqual({ location: 'https://status.test/cart', status: 307 });
  });
});

describe('responseHeaderChanges: a bypass link that sets a cookie', () => {
  const HEADERS = 'http_response_headers_transform';

  it('adds the cookie only to answers for the secret link, and every matching rule applies', () => {
    fake.seedRulesetRule(zone.id, HEADERS, {
      action: 'rewrite',
      expression: 'http.host eq "shop.test" and http.request.uri.query contains "maintenance_bypass=s3cret"',
      action_parameters: {
        headers: { 'set-cookie': { operation: 'add', value: 'maintenance_bypass=s3cret; Path=/; Secure' } },
      },
    });
    fake.seedRulesetRule(zone.id, HEADERS, {
      action: 'rewrite',
      expression: 'true',
      action_parameters: { headers: { 'x-served-by': { operation: 'set', expression: 'lower(http.host)' } } },
    });
    const rules = fake.rulesetRules(zone.id, HEADERS);
    const base: RulesRequest = { host: 'Shop.test', path: '/', ip: '198.51.100.7' };
    expect(responseHeaderChanges(rules, { ...base, query: 'maintenance_bypass=s3cret' })).toEqual([
      { name: 'set-cookie', operation: 'add', value: 'maintenance_bypass=s3cret; Path=/; Secure' },
      { name: 'x-served-by', operation: 'set', value: 'shop.test' },
    ]);
    expect(responseHeaderChanges(rules, { ...base, query: 'maintenance_bypass=wrong' })).toEqual([
      { name: 'x-served-by', operation: 'set', value: 'shop.test' },
    ]);
  });
});

describe('the fake Cloudflare holds rule expressions to the Rules language', () => {
  it('refuses an unbalanced expression over HTTP with 400, the rulesets error envelope, and writes nothing', async () => {
    const response = await fetch(`${fake.baseURL}/zones/${zone.id}/rulesets/phases/${PHASE}/entrypoint`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        rules: [redirectRule('(http.host eq "shop.test" and not ip.src in {203.0.113.0/24}', 'https://status.test/')],
      }),
    });
    const body = (await response.json()) as {
      success: boolean;
      result: unknown;
      errors: Array<Record<string, unknown>>;
    };
    expect(response.status).toBe(400);
    expect(body).toMatchObject({ success: false, result: null });
    expect(body.errors).toEqual([
      {
        code: 20125,
        message: expect.stringMatching(
          /^'\(http\.host.*' is not a valid value for expression because could not parse filter expression: Filter parsing error \(1:\d+\): unbalanced parentheses/,
        ) as unknown,
        source: { pointer: '/rules/0/expression' },
      },
    ]);
    expect(fake.hasEntrypoint(zone.id, PHASE)).toBe(false);
    expect(fake.violations()).toEqual([]);
  });

  it('refuses in seedRulesetRule what it refuses over HTTP', () => {
    expect(() =>
      fake.seedRulesetRule(zone.id, PHASE, redirectRule('http.host eq "shop.test', 'https://status.test/')),
    ).toThrow(/unterminated string/);
    expect(fake.hasEntrypoint(zone.id, PHASE)).toBe(false);
  });
});
