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
