import { describe, expect, it } from '@jest/globals';
import type { WorkerRouteRecord } from '../../src/cloudflare/workers.js';
import { detectDrift } from '../../src/maintenance/engines/worker/drift.js';
import { outrankingRoutes } from '../../src/maintenance/engines/worker/outranking-routes.js';
import { routeTarget } from '../../src/maintenance/engines/worker/worker-route-target.js';

const OURS = 'cfm-maintenance';
const route = (id: string, pattern: string, script: string | null = 'theirs'): WorkerRouteRecord => ({ id, pattern, ...(script ? { script } : {}) });
/** The apex and every subdomain, as a site with subdomains has them. */
const APEX_AND_SUBDOMAINS = ['shop.com/*', '*.shop.com/*'];
const beaten = (patterns: string[], routes: WorkerRouteRecord[]) => outrankingRoutes(patterns, routes).map(({ route: { id }, ours }) => ({ id, ours }));

describe("a user's route more specific than ours", () => {
  it.each([
    ['shop.com/api/*', 'shop.com/*', 'a longer path on our exact host'],
    ['shop.com/', 'shop.com/*', 'the home page alone'],
    ['https://shop.com/*', 'shop.com/*', 'the same host and path, with a scheme'],
    ['blog.shop.com/*', '*.shop.com/*', 'an exact host under our wildcard (an exact host beats a wildcard one)'],
    ['*.eu.shop.com/*', '*.shop.com/*', 'a longer wildcard suffix'],
    ['*.shop.com/admin*', '*.shop.com/*', 'a longer path on our wildcard'],
  ])('%s outranks our %s (%s)', (pattern, ours) => {
    expect(beaten(APEX_AND_SUBDOMAINS, [route('u1', pattern)])).toEqual([{ id: 'u1', ours }]);
  });

  it.each([
    ['*shop.com/api/*', 'a wildcard host over our exact one: the host decides first'],
    ['*.com/*', 'a shorter wildcard'],
    ['other.com/*', 'another host'],
    ['notshop.com/api/*', 'a host ending with our domain that is not under it'],
    ['shop.com/*', 'our own pattern (refused at enable, rule_taken in drift)'],
  ])('%s does not (%s)', (pattern) => {
    expect(beaten(APEX_AND_SUBDOMAINS, [route('u1', pattern)])).toEqual([]);
  });

  it('counts a route with no script, which turns Workers off on its pattern, and says so', () => {
    const [found] = outrankingRoutes(APEX_AND_SUBDOMAINS, [route('u2', 'shop.com/static/*', null)]);
    expect(found.message).toBe(
      'route u2 (shop.com/static/*) turns Workers off (no script) and is more specific than our shop.com/*: Cloudflare runs the most ' +
        'specific matching route, so requests for the paths /static/* of shop.com are not in maintenance. Change or remove that route in Cloudflare if they should be',
    );
  });

  it('names the Worker, the hosts and the scheme a route takes', () => {
    const messages = outrankingRoutes(APEX_AND_SUBDOMAINS, [route('u3', 'https://blog.shop.com/*', 'blog'), route('u4', '*.eu.shop.com/', 'eu')]).map((found) => found.message);
    expect(messages).toEqual([
      expect.stringContaining('route u3 (https://blog.shop.com/*) runs the Worker "blog" and is more specific than our *.shop.com/*: Cloudflare runs the most specific matching route, so requests for every path of blog.shop.com over https are not in maintenance'),
      expect.stringContaining('so requests for the path / of the hosts *.eu.shop.com are not in maintenance'),
    ]);
  });

  it('ignores our own routes, including those of other sites of the account, and reads hosts case-insensitively', () => {
    expect(beaten(APEX_AND_SUBDOMAINS, [route('o1', 'eu.shop.com/*', OURS), route('u5', 'SHOP.com/API/*')])).toEqual([{ id: 'u5', ours: 'shop.com/*' }]);
  });

  it('is judged against the patterns the site has: without subdomains a subdomain route takes nothing of ours', () => {
    expect(beaten(['shop.com/*'], [route('u1', 'blog.shop.com/*')])).toEqual([]);
    expect(beaten(['shop.com/*', 'www.shop.com/*'], [route('u1', 'www.shop.com/cart/*')])).toEqual([{ id: 'u1', ours: 'www.shop.com/*' }]);
  });
});

describe('worker drift: rule_outranked', () => {
  const stored = [{ id: 'r1', target: routeTarget('shop.com/*') }, { id: 'r2', target: routeTarget('*.shop.com/*') }];
  const ours = [route('r1', 'shop.com/*', OURS), route('r2', '*.shop.com/*', OURS)];
  const same = { deployed: 'v1', desired: 'v1' };

  it('reports each outranking route once, by its id, on a site in maintenance', () => {
    const drift = detectDrift({ maintenanceState: 'on', maintenanceRules: stored }, APEX_AND_SUBDOMAINS, [...ours, route('u1', 'shop.com/api/*'), route('u2', 'x.shop.com/*', null)], same, false);
    expect(drift).toEqual([
      { kind: 'rule_outranked', ruleId: 'u1', message: expect.stringMatching(/^route u1 \(shop\.com\/api\/\*\) runs the Worker "theirs"/) },
      { kind: 'rule_outranked', ruleId: 'u2', message: expect.stringMatching(/^route u2 \(x\.shop\.com\/\*\) turns Workers off/) },
    ]);
  });

  it('reports nothing of the kind on a site out of maintenance', () => {
    expect(detectDrift({ maintenanceState: 'off', maintenanceRules: [] }, APEX_AND_SUBDOMAINS, [route('u1', 'shop.com/api/*')], { deployed: null, desired: null }, false)).toEqual([]);
  });
});
