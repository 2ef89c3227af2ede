import { QuotaError } from '../../../common/errors.js';
import type { RulesetPhase, RulesetRecord, RulesetRuleRecord } from '../../../cloudflare/rulesets.js';
import type { OwnedRule } from '../../../sites/cloudflare-site.entity.js';
import type { PlanQuota } from './plan-quota.js';
import { type DesiredRule, matchesSpec } from './rule-specs.js';

export type Entrypoints = Map<RulesetPhase, RulesetRecord | null>;

/** What to do for one rule the settings need. */
export type RuleStep =
  | { kind: 'adopt'; desired: DesiredRule; rule: RulesetRuleRecord }
  | { kind: 'update'; desired: DesiredRule; rule: RulesetRuleRecord; rulesetId: string }
  | { kind: 'create'; desired: DesiredRule; rulesetId: string | null };

/** Our rule for this need: the one holding its ref, else one whose id we stored under that ref. */
export function findOurRule(ruleset: RulesetRecord | null, desired: DesiredRule, stored: OwnedRule[]): RulesetRuleRecord | undefined {
  const rules = ruleset?.rules ?? [];
  const storedIds = new Set(stored.filter((rule) => rule.target === desired.spec.ref).map((rule) => rule.id));
  return rules.find((rule) => rule.ref === desired.spec.ref) ?? rules.find((rule) => storedIds.has(rule.id));
}

/**
 * For each rule the settings need: keep ours when it already does that, rewrite it (PATCH) when it is
 * disabled or does something else, create it when none of ours exists. Throws QuotaError before
 * anything is written when a phase has no room for the rules to create.
 */
export function planRules(domain: string, desired: DesiredRule[], stored: OwnedRule[], entrypoints: Entrypoints, quota: PlanQuota): RuleStep[] {
  const steps = desired.map((need): RuleStep => {
    const ruleset = entrypoints.get(need.phase) ?? null;
    const ours = findOurRule(ruleset, need, stored);
    if (!ours) return { kind: 'create', desired: need, rulesetId: ruleset?.id ?? null };
    if (ours.enabled && matchesSpec(ours, need.spec)) return { kind: 'adopt', desired: need, rule: ours };
    return { kind: 'update', desired: need, rule: ours, rulesetId: ruleset!.id };
  });
  for (const [phase, ruleset] of entrypoints) {
    const needed = steps.filter((step) => step.kind === 'create' && step.desired.phase === phase).length;
    const used = ruleset?.rules.length ?? 0;
    const free = Math.max(0, quota.quota - used);
    if (needed > free) {
      const plan = quota.assumed ? 'an unknown plan, assumed Free' : `the ${quota.plan[0].toUpperCase()}${quota.plan.slice(1)} plan`;
      throw new QuotaError(
        needed,
        free,
        quota.quota,
        `${domain}: maintenance needs ${needed} new rule(s) in the zone's ${phase} phase but it has ${free} free ` +
          `(${quota.quota} allowed on ${plan}, ${used} in use). Remove unused rules in that phase, use the page_rules ` +
          "engine for this site, or upgrade the zone's plan.",
      );
    }
  }
  return steps;
}
