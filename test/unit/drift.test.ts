import { describe, expect, it } from '@jest/globals';
import type { PageRuleRecord } from '../../src/cloudflare/response-schemas.js';
import { detectDrift } from '../../src/maintenance/engines/page-rules/drift.js';

const URL_ = 'https://maintenance.example.net/maintenance?site=example.com';
const some = { domain: 'example.com', includeSubdomains: false, subdomainList: ['www'], maintenanceUrl: null };

function ours(id: string, target: string): PageRuleRecord {
  return {
    id,
    targets: [{ target: 'url', constraint: { operator: 'matches', value: target } }],
    actions: [{ id: 'forwarding_url', value: { url: URL_, status_code: 302 } }],
    priority: 5,
    status: 'active',
  };
}
const on = (rules: { id: string; target: string }[]) => ({ ...some, maintenanceState: 'on' as const, maintenanceRules: rules });

describe('detectDrift of a site in maintenance', () => {
  it('names each target its settings need that no rule of ours covers (a disable stopped half-way)', () => {
    const drift = detectDrift(on([{ id: 'a', target: 'example.com/*' }]), URL_, [ours('a', 'example.com/*')], false);
    expect(drift).toEqual([{ kind: 'rule_missing', message: "no rule of ours covers www.example.com/*, which the site's settings need" }]);
  });

  it('counts a rule of ours on the equivalent /** pattern as covering', () => {
    const rules = [{ id: 'a', target: 'example.com/*' }, { id: 'b', target: 'www.example.com/**' }];
    expect(detectDrift(on(rules), URL_, [ours('a', 'example.com/*'), ours('b', 'www.example.com/**')], false)).toEqual([]);
  });

  it('reports a recorded rule deleted by hand once, not again as an uncovered target', () => {
    const rules = [{ id: 'a', target: 'example.com/*' }, { id: 'b', target: 'www.example.com/*' }];
    const drift = detectDrift(on(rules), URL_, [ours('a', 'example.com/*')], false);
    expect(drift).toEqual([expect.objectContaining({ kind: 'rule_missing', ruleId: 'b' })]);
  });
});
