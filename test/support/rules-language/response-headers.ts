import type { FakeRulesetRule } from '../fake-cloudflare/types.js';
import { evaluateExpression, evaluateValue } from './evaluator.js';
import { parseValueExpression } from './parser.js';
import type { RulesRequest } from './request-fields.js';

export interface HeaderChange {
  name: string;
  operation: 'set' | 'add' | 'remove';
  /** The static value, or the expression's value for this request; absent for remove. */
  value?: string;
}

/**
 * The response header changes an `http_response_headers_transform` entry point makes for `request`: every
 * enabled rewrite rule that matches applies, in order (later ones can overwrite earlier ones), unlike redirects
 * where the first match wins.
 */
export function responseHeaderChanges(rules: readonly FakeRulesetRule[], request: RulesRequest): HeaderChange[] {
  const changes: HeaderChange[] = [];
  for (const rule of rules) {
    if (!rule.enabled || rule.action !== 'rewrite' || !evaluateExpression(rule.expression, request)) continue;
    const headers = (rule.action_parameters?.headers ?? {}) as Record<
      string,
      { operation: HeaderChange['operation']; value?: string; expression?: string }
    >;
    for (const [name, change] of Object.entries(headers)) {
      const value =
        change.value ??
        (change.expression === undefined ? undefined : evaluateValue(parseValueExpression(change.expression), request));
      changes.push(
        value === undefined ? { name, operation: change.operation } : { name, operation: change.operation, value },
      );
    }
  }
  return changes;
}
