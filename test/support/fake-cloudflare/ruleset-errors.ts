import { ApiError } from './envelope.js';

/**
 * Error codes of the Rulesets API. Only some are documented by real answers seen in the wild (see
 * docs/fake-cloudflare-rulesets.md): 10003 for a phase without an entry point, 20217 for "'x' is not a valid
 * value for y because …" (a second zone ruleset in a phase), 20125 for an invalid expression (a blank one).
 * Which code Cloudflare gives a quota, ref or position problem is not documented: 20217 is assumed, so
 * callers should rely on the HTTP status and the pointer, not on the code.
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
  return { code, message: `'${display(value)}' is not a valid value for ${fieldName(pointer)} because ${reason}`, pointer };
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

function fieldName(pointer: string): string {
  return pointer.split('/').filter((p) => p !== '' && !/^\d+$/.test(p)).join('.') || 'body';
}

function display(value: unknown): string {
  if (typeof value === 'string') return value;
  const json = JSON.stringify(value);
  return json === undefined ? 'undefined' : json;
}
