import { ApiError } from './envelope.js';

/**
 * Error codes of the Rulesets API: 10003 (no entry point), 20217 ("'x' is not a valid value for y because …")
 * and 20125 (an invalid expression) come from real answers; which code Cloudflare gives a quota, ref or position
 * problem is not documented, so 20217 is assumed. See docs/rules-language.md#assumptions.
 */
export const RULESET_NOT_FOUND = 10003;
export const INVALID_VALUE = 20217;
export const INVALID_EXPRESSION = 20125;

export interface RuleProblem {
  code: number;
  message: string;
  pointer: string;
}

/** Cloudflare lists each problem as its own error, with a JSON pointer to the field. */
export function invalidRuleset(problems: RuleProblem[]): ApiError {
  return new ApiError(
    400,
    problems.map((p) => ({ code: p.code, message: p.message, source: { pointer: p.pointer } })),
  );
}

export function invalidValue(pointer: string, value: unknown, reason: string, code = INVALID_VALUE): RuleProblem {
  return {
    code,
    message: `'${display(value)}' is not a valid value for ${fieldName(pointer)} because ${reason}`,
    pointer,
  };
}

export function noEntrypoint(phase: string): ApiError {
  return ApiError.of(404, RULESET_NOT_FOUND, `could not find entrypoint ruleset in the ${phase} phase`);
}

export function noRuleset(rulesetId: string): ApiError {
  return ApiError.of(404, RULESET_NOT_FOUND, `could not find ruleset ${rulesetId}`);
}

export function noRule(ruleId: string, rulesetId: string): ApiError {
  return ApiError.of(404, RULESET_NOT_FOUND, `could not find rule ${ruleId} in ruleset ${rulesetId}`);
}

/** The field a pointer ends at: `/rules/0/expression` → `expression`. */
function fieldName(pointer: string): string {
  return (
    pointer
      .split('/')
      .filter((p) => p !== '' && !/^\d+$/.test(p))
      .at(-1) ?? 'body'
  );
}

function display(value: unknown): string {
  if (typeof value === 'string') return value;
  const json = JSON.stringify(value);
  return json === undefined ? 'undefined' : json;
}
