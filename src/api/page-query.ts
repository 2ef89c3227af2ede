import { ValidationError } from '../common/errors.js';

const DEFAULT_PAGE = 100;
const MAX_PAGE = 500;

/** `limit` (1–500, default 100) and `offset` (default 0) of a list route's query. */
export function pageOf(query: { limit?: string; offset?: string }): { limit: number; offset: number } {
  return {
    limit: pageNumber(query.limit, DEFAULT_PAGE, 'limit', 1, MAX_PAGE),
    offset: pageNumber(query.offset, 0, 'offset', 0, Number.MAX_SAFE_INTEGER),
  };
}

function pageNumber(raw: string | undefined, fallback: number, field: string, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ValidationError(`Invalid query.${field} "${raw}": expected a whole number from ${min} to ${max}.`, { field });
  }
  return value;
}
