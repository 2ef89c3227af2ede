import type { FakeRulesetRule } from '../fake-cloudflare/types.js';
import { evaluateExpression, evaluateValue } from './evaluator.js';
import { parseValueExpression } from './parser.js';
import type { RulesRequest } from './request-fields.js';

/**
 * The rule Cloudflare applies to `request` among the rules of an `http_request_dynamic_redirect` entry point:
 * the first enabled redirect rule whose expression matches, since the first match wins in that phase.
 */
export function redirectFor(rules: readonly FakeRulesetRule[], request: RulesRequest): FakeRulesetRule | undefined {
  return rules.find(
    (rule) => rule.enabled && rule.action === 'redirect' && evaluateExpression(rule.expression, request),
  );
}

export interface RedirectTarget {
  location: string;
  status: number;
}

/**
 * Where a redirect rule sends `request`: its static URL or its evaluated expression, with the status code
 * (301 when the rule gives none) and, with `preserve_query_string`, the request's query string appended
 * (https://developers.cloudflare.com/rules/url-forwarding/single-redirects/settings/).
 */
export function redirectTarget(rule: FakeRulesetRule, request: RulesRequest): RedirectTarget {
  const from = (rule.action_parameters?.from_value ?? {}) as {
    target_url?: { value?: string; expression?: string };
    status_code?: number;
    preserve_query_string?: boolean;
  };
  const target = from.target_url ?? {};
  const base =
    target.value ??
    (target.expression === undefined ? undefined : evaluateValue(parseValueExpression(target.expression), request));
  if (base === undefined) throw new Error(`redirectTarget: rule ${rule.id} has no target URL for this request`);
  const query = (request.query ?? '').replace(/^\?/, '');
  const location =
    from.preserve_query_string && query !== '' ? `${base}${base.includes('?') ? '&' : '?'}${query}` : base;
  return { location, status: from.status_code ?? 301 };
}
