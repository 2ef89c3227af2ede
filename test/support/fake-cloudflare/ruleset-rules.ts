import { newId, nowIso } from './ids.js';
import { invalidRuleset, INVALID_VALUE, invalidValue, type RuleProblem } from './ruleset-errors.js';
import { isObject, type RuleFields } from './ruleset-validation.js';
import type { FakeRulesetRule } from './types.js';

/** A stored rule from valid fields: `enabled` defaults to true, `description` to "", `ref` to the rule's id. */
export function buildRule(fields: RuleFields, previous?: FakeRulesetRule): FakeRulesetRule {
  const id = previous?.id ?? newId();
  const rule: FakeRulesetRule = {
    id,
    version: previous ? String(Number(previous.version) + 1) : '1',
    action: fields.action,
    expression: fields.expression,
    description: fields.description ?? '',
    enabled: fields.enabled ?? true,
    ref: fields.ref ?? id,
    last_updated: nowIso(),
  };
  if (fields.action_parameters !== undefined) rule.action_parameters = structuredClone(fields.action_parameters);
  if (fields.logging !== undefined) rule.logging = { ...fields.logging };
  return rule;
}

/** Cloudflare refuses two rules with one `ref` in a ruleset (the ref is the rule's stable identity). */
export function duplicateRefs(rules: FakeRulesetRule[], pointerOf: (index: number) => string): RuleProblem[] {
  const seen = new Set<string>();
  const problems: RuleProblem[] = [];
  rules.forEach((rule, index) => {
    if (seen.has(rule.ref)) {
      problems.push(invalidValue(pointerOf(index), rule.ref, 'another rule of the ruleset already has this ref'));
    }
    seen.add(rule.ref);
  });
  return problems;
}

export type Position = { before: string } | { after: string } | { index: number };

/**
 * `position` as documented (https://developers.cloudflare.com/ruleset-engine/rulesets-api/update-rule/#change-the-order-of-a-rule-in-a-ruleset):
 * exactly one of `before` (an id, or "" for first), `after` (an id, or "" for last) or `index` (from 1).
 */
export function parsePosition(raw: unknown): Position | undefined {
  if (raw === undefined) return undefined;
  const keys = isObject(raw) ? Object.keys(raw) : [];
  if (!isObject(raw) || keys.length !== 1) {
    throw positionError(raw, 'give exactly one of before, after or index');
  }
  if ('before' in raw && typeof raw.before === 'string') return { before: raw.before };
  if ('after' in raw && typeof raw.after === 'string') return { after: raw.after };
  if ('index' in raw && Number.isInteger(raw.index) && (raw.index as number) >= 1) {
    return { index: raw.index as number };
  }
  throw positionError(raw, 'before and after take a rule id (or ""), index an integer from 1');
}

/**
 * `rules` with `rule` placed at `position` (after removing it if it was there); without a position a new rule
 * goes last and an existing one keeps its place.
 */
export function placeRule(
  rules: FakeRulesetRule[],
  rule: FakeRulesetRule,
  position: Position | undefined,
): FakeRulesetRule[] {
  const current = rules.findIndex((r) => r.id === rule.id);
  const others = rules.filter((r) => r.id !== rule.id);
  const at = targetIndex(others, rule.id, position, current);
  return [...others.slice(0, at), rule, ...others.slice(at)];
}

function targetIndex(
  others: FakeRulesetRule[],
  selfId: string,
  position: Position | undefined,
  current: number,
): number {
  if (position === undefined) return current === -1 ? others.length : current;
  if ('index' in position) {
    if (position.index > others.length + 1) {
      throw positionError(
        position,
        `index ${position.index} is past the end of the ruleset (${others.length + 1} at most)`,
      );
    }
    return position.index - 1;
  }
  const [anchor, after] = 'before' in position ? [position.before, false] : [position.after, true];
  if (anchor === '') return after ? others.length : 0;
  if (anchor === selfId) throw positionError(position, 'a rule cannot be placed relative to itself');
  const index = others.findIndex((r) => r.id === anchor);
  if (index === -1) throw positionError(position, `there is no rule ${anchor} in the ruleset`);
  return after ? index + 1 : index;
}

function positionError(value: unknown, reason: string) {
  return invalidRuleset([{ ...invalidValue('/position', value, reason), code: INVALID_VALUE }]);
}
