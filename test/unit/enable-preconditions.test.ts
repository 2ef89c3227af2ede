import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '../../src/common/errors.js';
import { planSite } from '../../src/maintenance/bulk-plan.js';
import { assertCanEnable, enableRefusal } from '../../src/maintenance/enable-preconditions.js';
import { PageRulesEngine } from '../../src/maintenance/engines/page-rules/page-rules.engine.js';
import type { CloudflareSite } from '../../src/sites/cloudflare-site.entity.js';

const PUBLIC_URL = 'https://maintenance.example.net';
const engine = new PageRulesEngine();
const NO_ACCESS = { bypassIps: [], bypassSecret: null, excludedPaths: [] };

function site(overrides: Partial<CloudflareSite> = {}): CloudflareSite {
  return {
    domain: 'example.com',
    isActive: true,
    zoneId: 'zone-1',
    includeSubdomains: true,
    subdomainList: [],
    maintenanceUrl: null,
    maintenanceState: 'off',
    maintenanceRules: [],
    engine: 'page_rules',
    ...overrides,
  } as CloudflareSite;
}

describe('enable pre-conditions', () => {
  const refused: [string, CloudflareSite, string | undefined, RegExp][] = [
    ['an inactive site', site({ isActive: false }), PUBLIC_URL, /is marked inactive; activate it/],
    ['no maintenance URL and no PUBLIC_URL', site(), undefined, /has no maintenance URL and PUBLIC_URL is not set/],
    ['no zone id', site({ zoneId: null }), PUBLIC_URL, /has no Cloudflare zone id/],
  ];

  it.each(refused)('refuses %s the same way in the service and in a bulk dry run', (_name, candidate, publicUrl, why) => {
    const refusal = enableRefusal(candidate, publicUrl);
    expect(refusal).toMatch(why);

    expect(() => assertCanEnable(candidate, publicUrl)).toThrow(new ValidationError(`example.com ${refusal}`));
    expect(planSite('enable', candidate, publicUrl, engine, NO_ACCESS)).toEqual({
      outcome: 'failed',
      errorCode: 'validation',
      message: `example.com: would fail: it ${refusal}`,
    });
  });

  it('lets a site with a zone and somewhere to send visitors through, and the dry run names the rule it would create', () => {
    expect(enableRefusal(site(), PUBLIC_URL)).toBeNull();
    expect(() => assertCanEnable(site({ maintenanceUrl: 'https://status.other.net/' }), undefined)).not.toThrow();
    expect(planSite('enable', site(), PUBLIC_URL, engine, NO_ACCESS)).toEqual({
      outcome: 'done',
      message: `example.com: would enable maintenance: create *example.com/* forwarding to ${PUBLIC_URL}/maintenance?site=example.com.`,
    });
  });
});
