import type { PageRuleRecord } from './response-schemas.js';

/** True when the rule has exactly this target and only a forwarding_url action to exactly this URL. */
export function isForwardingRule(rule: PageRuleRecord, target: string, forwardUrl: string): boolean {
  const action = rule.actions.length === 1 ? rule.actions[0] : undefined;
  const value = action?.value as { url?: unknown } | undefined;
  return (
    rule.targets.length === 1 &&
    rule.targets[0].constraint.value === target &&
    action?.id === 'forwarding_url' &&
    value?.url === forwardUrl
  );
}
