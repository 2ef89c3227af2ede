import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '../../src/common/errors.js';
import { planSite } from '../../src/maintenance/bulk-plan.js';
import { assertCanEnable, enableRefusal } from '../../src/maintenance/enable-preconditions.js';
import { PageRulesEngine } from '../../src/maintenance/engines/page-rules/page-rules.engine.js';
import { RedirectRuleEngine } from '../../src/maintenance/engines/redirect-rule/redirect-rule.engine.js';
import type { WorkerScriptDirectory } from '../../src/maintenance/engines/worker/worker-script-directory.js';
import { WorkerEngine } from '../../src/maintenance/engines/worker/worker.engine.js';
import type { AppConfig } from '../../src/config/config.schema.js';
import type { CloudflareSite } from '../../src/sites/cloudflare-site.entity.js';

const PUBLIC_URL = 'https://maintenance.example.net';
const engine = new PageRulesEngine();
const NO_ACCESS = { bypassIps: [], bypassSecret: null, excludedPaths: [] };
/** A dry run never reads the script's data. */
const noDirectory: WorkerScriptDirectory = {
  entries: () => Promise.reject(new Error('a dry run read the worker script data')),
  entryFor: () => Promise.reject(new Error('a dry run read the worker script data')),
  rememberAccount: () => Promise.reject(new Error('a dry run wrote')),
};
const worker = new WorkerEngine({ CLOUDFLARE_WORKERS_PLAN: 'paid' } as AppConfig, noDirectory);

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

  describe('a worker site, which sends nobody anywhere', () => {
    it('needs neither a maintenance URL nor PUBLIC_URL, and the dry run names its routes, forwarding nowhere', () => {
      const onWorker = site({ engine: 'worker' });
      expect(enableRefusal(onWorker, undefined)).toBeNull();
      expect(() => assertCanEnable(onWorker, undefined)).not.toThrow();
      expect(planSite('enable', onWorker, undefined, worker, NO_ACCESS)).toEqual({
        outcome: 'done',
        message:
          'example.com: would enable maintenance: create Worker route example.com/*: 503 from the Worker cfm-maintenance, ' +
          'Worker route *.example.com/*: 503 from the Worker cfm-maintenance. ' +
          "The Workers Paid plan is assumed (CLOUDFLARE_WORKERS_PLAN=paid): no daily request cap. Requests the Worker handles skip the zone's Page Rules.",
      });
    });

    it('is still refused when inactive or without a zone', () => {
      expect(enableRefusal(site({ engine: 'worker', isActive: false }), undefined)).toMatch(/is marked inactive/);
      expect(enableRefusal(site({ engine: 'worker', zoneId: null }), undefined)).toMatch(/has no Cloudflare zone id/);
    });

    it('cannot loop: a PUBLIC_URL on a host the site covers is no refusal', () => {
      expect(enableRefusal(site({ engine: 'worker' }), 'https://status.example.com')).toBeNull();
      expect(enableRefusal(site(), 'https://status.example.com')).toMatch(/without a redirect loop/);
    });
  });

  it.each([
    ['page_rules', engine],
    ['redirect_rule', new RedirectRuleEngine()],
  ] as const)('still refuses a %s site with nowhere to send visitors, and its engine refuses to run without a URL', async (name, redirecting) => {
    const candidate = site({ engine: name });
    expect(enableRefusal(candidate, undefined)).toMatch(/has no maintenance URL and PUBLIC_URL is not set/);
    const progress = { step: '', adopted: [], created: [] };
    // Refused before the client is touched: a guard against a service that forgot the pre-condition.
    const client = {} as Parameters<typeof redirecting.apply>[0];
    await expect(redirecting.apply(client, candidate, undefined, NO_ACCESS, progress, async () => undefined)).rejects.toThrow(
      new ValidationError(`example.com has no maintenance URL and PUBLIC_URL is not set, so there is nowhere to send visitors. Set one with \`maintenance sites update example.com --maintenance-url https://…\` or set PUBLIC_URL.`),
    );
  });
});
