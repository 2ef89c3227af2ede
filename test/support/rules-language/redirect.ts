import type { FakeRulesetRule } from '../fake-cloudflare/types.js';
import { evaluateExpression } from './evaluator.js';
import type { RulesRequest } from './request-fields.js';

/**
 * The rule Cloudflare applies to `request` among the rules of an `http_request_dynamic_redirect` entry point:
 * the first enabled redirect rule whose expression matches, since the first match wins in that phase.
 */
export function redirectFor(rules: readonly FakeRulesetRule[], request: RulesRequest): FakeRulesetRule | undefined {
  return rules.find((rule) => rule.enabled && rule.action === 'redirect' && evaluateExpression(rule.expression, request));
}
