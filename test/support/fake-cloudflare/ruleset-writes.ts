import type { FakeState, StoredRuleset } from './fake-state.js';
import { invalidRuleset, invalidValue } from './ruleset-errors.js';
import { duplicateRefs } from './ruleset-rules.js';
import { RULESET_PHASES } from './ruleset-validation.js';
import type { FakeRulesetPhase, FakeRulesetRule, FakeZone } from './types.js';

export interface WriteOptions {
  /** JSON pointer of the i-th rule in the request, for the errors. */
  pointerOf(index: number): string;
  /** Hold the write to the plan's quota (a rule seeded by a test, as in the dashboard after a downgrade, is not). */
  enforceQuota: boolean;
}

/** The rule quota of the phase on the zone's plan. */
export function ruleQuota(zone: FakeZone, phase: FakeRulesetPhase): number {
  return RULESET_PHASES[phase].quota[zone.plan];
}

/**
 * Stores `rules` as the ruleset's next version, or refuses (before anything changes) a duplicate `ref` or a rule
 * count over the plan's quota. A zone already over quota may still shrink.
 */
export function writeRules(
  state: FakeState,
  zone: FakeZone,
  ruleset: StoredRuleset,
  rules: FakeRulesetRule[],
  options: WriteOptions,
): StoredRuleset {
  const problems = duplicateRefs(rules, (i) => `${options.pointerOf(i)}/ref`);
  const ids = rules.map((r) => r.id);
  ids.forEach((id, i) => {
    if (ids.indexOf(id) !== i) problems.push(invalidValue(`${options.pointerOf(i)}/id`, id, 'the rule is sent twice'));
  });
  if (problems.length > 0) throw invalidRuleset(problems);
  const phase = ruleset.phase as FakeRulesetPhase;
  const quota = ruleQuota(zone, phase);
  if (options.enforceQuota && rules.length > quota && rules.length > ruleset.rules.length) {
    throw invalidRuleset([
      invalidValue(
        '/rules',
        phase,
        `exceeded maximum number of rules in the ${phase} phase: ${quota} on the ${zone.plan} plan`,
      ),
    ]);
  }
  return state.commitRules(ruleset, rules);
}
