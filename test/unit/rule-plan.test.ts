import { describe, expect, it } from '@jest/globals';
import type { PageRuleRecord } from '../../src/cloudflare/response-schemas.js';
import { ConflictError, QuotaError } from '../../src/common/errors.js';
import { maintenanceTargets } from '../../src/maintenance/engines/page-rules/page-rule-targets.js';
import { findOwnedRules, planEnable } from '../../src/maintenance/engines/page-rules/rule-plan.js';
import { maintenanceRedirectUrl } from '../../src/maintenance/redirect-url.js';

const URL_ = 'https://maintenance.example.net/maintenance?site=example.com';
const all = { domain: 'example.com', includeSubdomains: true, subdomainList: [], maintenanceUrl: null };
const some = { domain: 'example.com', includeSubdomains: false, subdomainList: ['www', 'api'], maintenanceUrl: null };

function rule(id: string, target: string, priority: number, actions: PageRuleRecord['actions'] = [{ id: 'cache_level', value: 'bypass' }]): PageRuleRecord {
  return { id, targets: [{ target: 'url', constraint: { operator: 'matches', value: target } }], actions, priority, status: 'active' };
}
const ours = (id: string, target: string, priority: number) =>
  rule(id, target, priority, [{ id: 'forwarding_url', value: { url: URL_, status_code: 302 } }]);

describe('maintenanceTargets', () => {
  it('uses one wildcard rule for all subdomains, else the apex plus each listed subdomain', () => {
    expect(maintenanceTargets(all)).toEqual(['*example.com/*']);
    expect(maintenanceTargets(some)).toEqual(['example.com/*', 'www.example.com/*', 'api.example.com/*']);
  });
});

describe('maintenanceRedirectUrl', () => {
  it("prefers the site's URL, else builds one under PUBLIC_URL, else refuses", () => {
    expect(maintenanceRedirectUrl({ ...all, maintenanceUrl: 'https://status.example.org/' }, undefined)).toBe('https://status.example.org/');
    expect(maintenanceRedirectUrl(all, 'https://ops.example.net/base/')).toBe('https://ops.example.net/base/maintenance?site=example.com');
    expect(() => maintenanceRedirectUrl(all, undefined)).toThrow(/no maintenance URL and PUBLIC_URL is not set/);
  });
});

describe('planEnable', () => {
  it('outranks every rule already in the zone', () => {
    const plan = planEnable(some, URL_, { name: 'example.com', pageRuleQuota: 20, rules: [rule('u1', 'example.com/a*', 7), rule('u2', 'example.com/b*', 2)] });
    expect(plan.create.map((entry) => entry.priority)).toEqual([8, 9, 10]);
    expect(plan.create.every((entry) => entry.forwardUrl === URL_)).toBe(true);
  });

  it("switches to the equivalent /** pattern when a user's rule holds the plain one", () => {
    const plan = planEnable(all, URL_, { name: 'example.com', pageRuleQuota: 3, rules: [rule('u1', '*example.com/*', 1)] });
    expect(plan.create.map((entry) => entry.target)).toEqual(['*example.com/**']);
  });

  it('names the user rules when both spellings are taken', () => {
    const rules = [rule('u1', '*example.com/*', 1), rule('u2', '*example.com/**', 2)];
    expect(() => planEnable(all, URL_, { name: 'example.com', pageRuleQuota: 5, rules })).toThrow(ConflictError);
    expect(() => planEnable(all, URL_, { name: 'example.com', pageRuleQuota: 5, rules })).toThrow(/Page Rule u1 .*Page Rule u2/);
  });

  it('adopts our own rules left behind instead of creating them again', () => {
    const plan = planEnable(some, URL_, { name: 'example.com', pageRuleQuota: 3, rules: [ours('r1', 'www.example.com/*', 4)] });
    expect(plan.adopted).toEqual([{ id: 'r1', target: 'www.example.com/*' }]);
    expect(plan.create.map((entry) => entry.target)).toEqual(['example.com/*', 'api.example.com/*']);
  });

  it('refuses a plan larger than the free quota with needed and free counts', () => {
    const zone = { name: 'example.com', pageRuleQuota: 3, rules: [rule('u1', 'example.com/a*', 1)] };
    expect(() => planEnable(some, URL_, zone)).toThrow(QuotaError);
    expect(() => planEnable(some, URL_, zone)).toThrow(/needs 3 new Page Rule\(s\) but the zone has 2 free \(quota 3, 1 in use\)/);
  });
});

describe('findOwnedRules', () => {
  it('finds stored ids and, for lost ids, only rules with our exact pattern and our URL', () => {
    const zoneRules = [
      ours('r1', '*example.com/*', 5),
      rule('u1', '*example.com/*', 1, [{ id: 'forwarding_url', value: { url: 'https://elsewhere.example/', status_code: 302 } }]),
      ours('r2', '*example.com/**', 6),
      ours('r3', '*example.com/shop/*', 7),
      rule('u2', 'example.com/x', 2),
    ];
    expect(findOwnedRules(all, URL_, [], zoneRules).map((entry) => entry.id)).toEqual(['r1', 'r2']);
    expect(findOwnedRules(all, undefined, [{ id: 'u2', target: 'example.com/x' }], zoneRules).map((entry) => entry.id)).toEqual(['u2']);
  });
});
