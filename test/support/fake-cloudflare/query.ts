import { invalidRequest, type ResultInfo } from './envelope.js';

export interface PageRequest {
  page: number;
  perPage: number;
}

/** `page` (default 1) and `per_page` (default 20, 5..50): Cloudflare rejects values outside those bounds. */
export function pageRequest(query: URLSearchParams): PageRequest {
  const page = integerParam(query, 'page', 1);
  const perPage = integerParam(query, 'per_page', 20);
  if (page < 1) throw invalidRequest('page must be a number greater than or equal to 1');
  if (perPage < 5 || perPage > 50) throw invalidRequest('per_page must be a number between 5 and 50');
  return { page, perPage };
}

/** One page of `items`; a page past the end is empty, which is what stops the SDK's auto-pagination. */
export function paginate<T>(items: T[], { page, perPage }: PageRequest): { items: T[]; resultInfo: ResultInfo } {
  const slice = items.slice((page - 1) * perPage, page * perPage);
  return {
    items: slice,
    resultInfo: {
      page,
      per_page: perPage,
      count: slice.length,
      total_count: items.length,
      total_pages: Math.ceil(items.length / perPage),
    },
  };
}

export function enumParam<T extends string>(query: URLSearchParams, name: string, allowed: readonly T[]): T | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw invalidRequest(`${name} must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

const STRING_OPERATORS = [
  'equal',
  'not_equal',
  'starts_with',
  'ends_with',
  'contains',
  'starts_with_case_sensitive',
  'ends_with_case_sensitive',
  'contains_case_sensitive',
] as const;

/** The `operator:value` string filters of `GET /zones` (`name`, `account.name`); plain `value` means `equal`. */
export function stringFilter(raw: string): (candidate: string) => boolean {
  const colon = raw.indexOf(':');
  const prefix = colon === -1 ? '' : raw.slice(0, colon);
  const op = (STRING_OPERATORS as readonly string[]).includes(prefix) ? prefix : 'equal';
  const wanted = op === prefix ? raw.slice(colon + 1) : raw;
  const sensitive = op.endsWith('_case_sensitive');
  const norm = (s: string) => (sensitive ? s : s.toLowerCase());
  const w = norm(wanted);
  return (candidate) => {
    const c = norm(candidate);
    if (op === 'equal') return c === w;
    if (op === 'not_equal') return c !== w;
    if (op.startsWith('starts_with')) return c.startsWith(w);
    if (op.startsWith('ends_with')) return c.endsWith(w);
    return c.includes(w);
  };
}

function integerParam(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value)) throw invalidRequest(`${name} must be an integer`);
  return value;
}
