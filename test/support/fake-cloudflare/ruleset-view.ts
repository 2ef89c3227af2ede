import type { StoredRuleset } from './fake-state.js';

/** A ruleset as the Rulesets API returns it; the list operation leaves the rules out. */
export function apiRuleset(ruleset: StoredRuleset, withRules = true): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: ruleset.id,
    name: ruleset.name,
    description: ruleset.description,
    kind: 'zone',
    version: String(ruleset.version),
    last_updated: ruleset.lastUpdated,
    phase: ruleset.phase,
  };
  if (withRules) view.rules = structuredClone(ruleset.rules);
  return view;
}

/**
 * The Cloudflare-managed rulesets a real zone's list shows next to its own (seen on a Free zone): kind
 * "managed", so code looking for an entry point must pick by kind and phase, never the first ruleset.
 */
export const MANAGED_RULESETS = [
  { id: '4d21379b4f9f4bb088e0729962c8b3cf', name: 'DDoS L7 ruleset', phase: 'ddos_l7' },
  {
    id: '77454fe2d30c4220b5701f6fdfb893ba',
    name: 'Cloudflare Managed Free Ruleset',
    phase: 'http_request_firewall_managed',
  },
  { id: '70339d97bdb34195bbf054b1ebe81f76', name: 'Cloudflare Normalization Ruleset', phase: 'http_request_sanitize' },
].map((r) => ({ ...r, description: '', kind: 'managed', version: '1', last_updated: '2025-01-01T00:00:00.000Z' }));
