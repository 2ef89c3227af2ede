import { parseExpression, parseValueExpression, RulesSyntaxError, usesOperator } from '../rules-language/index.js';
import { INVALID_EXPRESSION, invalidValue, type RuleProblem } from './ruleset-errors.js';
import type { FakeRulesetPhase, FakeZone, ZonePlan } from './types.js';

interface PhaseRules {
  action: string;
  quota: Record<ZonePlan, number>;
  checkParameters(parameters: unknown, pointer: string): RuleProblem[];
}

/**
 * The phases the fake models. Quotas: Single Redirects 10/25/50/300
 * (https://developers.cloudflare.com/rules/url-forwarding/single-redirects/#availability), Transform Rules
 * 10/25/50/100 (https://developers.cloudflare.com/rules/transform/#availability).
 */
export const RULESET_PHASES: Record<FakeRulesetPhase, PhaseRules> = {
  http_request_dynamic_redirect: {
    action: 'redirect',
    quota: { free: 10, pro: 25, business: 50, enterprise: 300 },
    checkParameters: redirectProblems,
  },
  http_response_headers_transform: {
    action: 'rewrite',
    quota: { free: 10, pro: 25, business: 50, enterprise: 100 },
    checkParameters: responseHeaderProblems,
  },
};

export function isModelledPhase(phase: string): phase is FakeRulesetPhase {
  return Object.hasOwn(RULESET_PHASES, phase);
}

/** https://developers.cloudflare.com/ruleset-engine/rules-language/expressions/ (maximum length). */
export const MAX_EXPRESSION_LENGTH = 4096;
const REDIRECT_STATUSES = [301, 302, 303, 307, 308];
const RULE_KEYS = new Set([
  'id',
  'action',
  'action_parameters',
  'description',
  'enabled',
  'expression',
  'logging',
  'ref',
  'version',
  'last_updated',
  'categories',
]);

/** A rule's own fields once they are valid; omitted ones take their defaults when the rule is stored. */
export interface RuleFields {
  action: string;
  expression: string;
  action_parameters?: Record<string, unknown>;
  description?: string;
  enabled?: boolean;
  ref?: string;
  logging?: { enabled: boolean };
}

/** The problems Cloudflare would list for this rule definition (`extraKeys`: e.g. `position` on POST). */
export function ruleProblems(
  rule: unknown,
  phase: FakeRulesetPhase,
  zone: FakeZone,
  pointer: string,
  extraKeys: readonly string[] = [],
): RuleProblem[] {
  if (!isObject(rule)) return [invalidValue(pointer, rule, 'a rule must be a JSON object')];
  const problems: RuleProblem[] = [];
  for (const key of Object.keys(rule)) {
    if (!RULE_KEYS.has(key) && !extraKeys.includes(key)) {
      problems.push(invalidValue(`${pointer}/${key}`, key, 'it is not a field of a rule'));
    }
  }
  const expected = RULESET_PHASES[phase].action;
  if (rule.action !== expected) {
    problems.push(
      invalidValue(`${pointer}/action`, rule.action, `the ${phase} phase only takes the "${expected}" action`),
    );
  } else {
    problems.push(...RULESET_PHASES[phase].checkParameters(rule.action_parameters, `${pointer}/action_parameters`));
  }
  problems.push(...expressionProblems(rule.expression, zone, `${pointer}/expression`));
  if (rule.description !== undefined && typeof rule.description !== 'string') {
    problems.push(invalidValue(`${pointer}/description`, rule.description, 'it must be a string'));
  }
  if (rule.enabled !== undefined && typeof rule.enabled !== 'boolean') {
    problems.push(invalidValue(`${pointer}/enabled`, rule.enabled, 'it must be true or false'));
  }
  if (rule.ref !== undefined && (typeof rule.ref !== 'string' || rule.ref === '')) {
    problems.push(invalidValue(`${pointer}/ref`, rule.ref, 'it must be a non-empty string'));
  }
  if (rule.logging !== undefined && !(isObject(rule.logging) && typeof rule.logging.enabled === 'boolean')) {
    problems.push(invalidValue(`${pointer}/logging`, rule.logging, 'it must be {"enabled": true|false}'));
  }
  return problems;
}

/** Narrows a rule that passed `ruleProblems`. */
export function rulesetRuleFields(rule: unknown): RuleFields {
  const r = rule as Record<string, unknown>;
  const fields: RuleFields = { action: r.action as string, expression: r.expression as string };
  if (r.action_parameters !== undefined) fields.action_parameters = r.action_parameters as Record<string, unknown>;
  if (r.description !== undefined) fields.description = r.description as string;
  if (r.enabled !== undefined) fields.enabled = r.enabled as boolean;
  if (r.ref !== undefined) fields.ref = r.ref as string;
  if (r.logging !== undefined) fields.logging = r.logging as { enabled: boolean };
  return structuredClone(fields);
}

/**
 * Parsed with the Rules-language evaluator: what it refuses, the fake refuses. Regular expressions need a
 * Business or Enterprise plan (https://developers.cloudflare.com/ruleset-engine/rules-language/operators/).
 */
export function expressionProblems(expression: unknown, zone: FakeZone, pointer: string): RuleProblem[] {
  const invalid = (reason: string) => [invalidValue(pointer, expression, reason, INVALID_EXPRESSION)];
  if (typeof expression !== 'string' || expression.trim() === '') return invalid('the expression cannot be blank');
  if (expression.length > MAX_EXPRESSION_LENGTH) {
    return invalid(`the expression is longer than ${MAX_EXPRESSION_LENGTH} characters (${expression.length})`);
  }
  try {
    const parsed = parseExpression(expression);
    if (usesOperator(parsed, 'matches') && (zone.plan === 'free' || zone.plan === 'pro')) {
      return invalid(`the matches operator (regular expressions) is not available on the ${zone.plan} plan`);
    }
  } catch (error) {
    if (error instanceof RulesSyntaxError) return invalid(`could not parse filter expression: ${error.message}`);
    throw error;
  }
  return [];
}

/** https://developers.cloudflare.com/rules/url-forwarding/single-redirects/settings/ */
function redirectProblems(parameters: unknown, pointer: string): RuleProblem[] {
  if (!isObject(parameters)) {
    return [invalidValue(pointer, parameters, 'a redirect needs action_parameters.from_value')];
  }
  const problems = unknownKeys(parameters, ['from_value', 'from_list'], pointer);
  if (parameters.from_list !== undefined) {
    problems.push(
      invalidValue(`${pointer}/from_list`, 'from_list', 'lists are for Bulk Redirects (phase http_request_redirect)'),
    );
  }
  const from = parameters.from_value;
  if (!isObject(from)) return [...problems, invalidValue(`${pointer}/from_value`, from, 'it must be an object')];
  const at = `${pointer}/from_value`;
  problems.push(...unknownKeys(from, ['target_url', 'status_code', 'preserve_query_string'], at));
  problems.push(...valueOrExpression(from.target_url, `${at}/target_url`, absoluteUrlProblem));
  if (from.status_code !== undefined && !REDIRECT_STATUSES.includes(from.status_code as number)) {
    problems.push(
      invalidValue(`${at}/status_code`, from.status_code, `it must be one of ${REDIRECT_STATUSES.join(', ')}`),
    );
  }
  if (from.preserve_query_string !== undefined && typeof from.preserve_query_string !== 'boolean') {
    problems.push(invalidValue(`${at}/preserve_query_string`, from.preserve_query_string, 'it must be true or false'));
  }
  return problems;
}

/**
 * https://developers.cloudflare.com/rules/transform/response-header-modification/ : set or add (a static
 * value or an expression), or remove. Add keeps the headers of that name already there, which is how a
 * `set-cookie` must be added (set replaces them all, Bot Management's cookies included); headers starting with
 * `cf-` or `x-cf-` cannot be touched, nor the value of `server` and a few others changed. Names and values use
 * the characters of https://developers.cloudflare.com/rules/transform/response-header-modification/reference/header-format/.
 */
function responseHeaderProblems(parameters: unknown, pointer: string): RuleProblem[] {
  if (!isObject(parameters) || !isObject(parameters.headers) || Object.keys(parameters.headers).length === 0) {
    return [
      invalidValue(
        pointer,
        parameters,
        'a response header rule needs action_parameters.headers with at least one header',
      ),
    ];
  }
  const problems = unknownKeys(parameters, ['headers'], pointer);
  for (const [name, change] of Object.entries(parameters.headers)) {
    const at = `${pointer}/headers/${name}`;
    problems.push(...headerNameProblems(name, change, at));
    if (!isObject(change)) {
      problems.push(invalidValue(at, change, 'it must be an object with an operation'));
    } else if (change.operation === 'remove') {
      problems.push(...unknownKeys(change, ['operation'], at));
    } else if (change.operation === 'set' || change.operation === 'add') {
      problems.push(...unknownKeys(change, ['operation', 'value', 'expression'], at));
      problems.push(...valueOrExpression(change, at, headerValueProblem));
    } else {
      problems.push(invalidValue(`${at}/operation`, change.operation, 'it must be set, add or remove'));
    }
  }
  return problems;
}

const FIXED_RESPONSE_HEADERS = new Set(['server', 'eh-cache-tag', 'eh-cdn-cache-control']);

function headerNameProblems(name: string, change: unknown, at: string): RuleProblem[] {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) {
    return [invalidValue(at, name, 'a header name takes only letters, digits, "-" and "_"')];
  }
  if (/^(x-)?cf-/i.test(name)) return [invalidValue(at, name, 'headers starting with cf- or x-cf- cannot be changed')];
  const operation = isObject(change) ? change.operation : undefined;
  if (FIXED_RESPONSE_HEADERS.has(name.toLowerCase()) && operation !== 'remove') {
    return [invalidValue(at, name, 'the value of this header cannot be changed')];
  }
  return [];
}

function headerValueProblem(value: string): string | undefined {
  if (value.length > 4096) return 'a header value is at most 4096 characters';
  return /^[A-Za-z0-9_ :;.,\\/"'?!(){}[\]@<>=\-+*#$&`|~^%]*$/.test(value)
    ? undefined
    : 'a header value takes only letters, digits, spaces and the punctuation Cloudflare lists';
}

/** Exactly one of a non-empty static `value` or a dynamic string `expression`. */
function valueOrExpression(
  holder: unknown,
  pointer: string,
  checkValue: (value: string) => string | undefined,
): RuleProblem[] {
  if (!isObject(holder)) return [invalidValue(pointer, holder, 'it must be an object with value or expression')];
  const hasValue = holder.value !== undefined;
  const hasExpression = holder.expression !== undefined;
  if (hasValue === hasExpression) {
    return [invalidValue(pointer, holder, 'exactly one of value and expression is required')];
  }
  if (hasValue) {
    if (typeof holder.value !== 'string' || holder.value === '') {
      return [invalidValue(`${pointer}/value`, holder.value, 'it must be a non-empty string')];
    }
    const problem = checkValue(holder.value);
    return problem ? [invalidValue(`${pointer}/value`, holder.value, problem)] : [];
  }
  if (typeof holder.expression !== 'string' || holder.expression.trim() === '') {
    return [
      invalidValue(`${pointer}/expression`, holder.expression, 'the expression cannot be blank', INVALID_EXPRESSION),
    ];
  }
  try {
    parseValueExpression(holder.expression);
    return [];
  } catch (error) {
    if (!(error instanceof RulesSyntaxError)) throw error;
    return [
      invalidValue(
        `${pointer}/expression`,
        holder.expression,
        `could not parse expression: ${error.message}`,
        INVALID_EXPRESSION,
      ),
    ];
  }
}

function absoluteUrlProblem(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? undefined : 'the target URL must be http or https';
  } catch {
    return 'it is not an absolute URL';
  }
}

function unknownKeys(object: Record<string, unknown>, allowed: string[], pointer: string): RuleProblem[] {
  return Object.keys(object)
    .filter((key) => !allowed.includes(key))
    .map((key) =>
      invalidValue(`${pointer}/${key}`, key, `it is not a known field here (expected ${allowed.join(', ')})`),
    );
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
