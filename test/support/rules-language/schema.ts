import type { ComparisonOperator, RulesType } from './ast.js';

/** The fields of the subset, with the type Cloudflare gives each (Rules language › Fields reference). */
export const FIELDS: Record<string, RulesType> = {
  'http.host': 'string',
  'http.request.uri': 'string',
  'http.request.uri.path': 'string',
  'http.request.uri.query': 'string',
  'http.request.full_uri': 'string',
  'http.request.method': 'string',
  'http.user_agent': 'string',
  'http.cookie': 'string',
  'http.request.cookies': 'map',
  'http.request.headers': 'map',
  'http.request.headers.names': 'string[]',
  'http.request.headers.values': 'string[]',
  'ip.src': 'ip',
  ssl: 'bool',
};

/** Which comparison operators each scalar type takes (Rules language › Operators). */
export const OPERATORS_BY_TYPE: Partial<Record<RulesType, readonly ComparisonOperator[]>> = {
  string: ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'contains', 'matches', 'wildcard', 'strict wildcard'],
  int: ['eq', 'ne', 'lt', 'le', 'gt', 'ge'],
  ip: ['eq', 'ne'],
};

/** Types that `in {…}` takes. */
export const SET_TYPES: readonly RulesType[] = ['string', 'int', 'ip'];

export const WORD_OPERATORS: Record<string, ComparisonOperator> = {
  eq: 'eq',
  ne: 'ne',
  lt: 'lt',
  le: 'le',
  gt: 'gt',
  ge: 'ge',
  contains: 'contains',
  matches: 'matches',
  wildcard: 'wildcard',
};

/** C-like notation; longest first so that `<=` is not read as `<`. */
export const SYMBOL_OPERATORS: Array<[string, ComparisonOperator]> = [
  ['==', 'eq'],
  ['!=', 'ne'],
  ['<=', 'le'],
  ['>=', 'ge'],
  ['<', 'lt'],
  ['>', 'gt'],
  ['~', 'matches'],
];
