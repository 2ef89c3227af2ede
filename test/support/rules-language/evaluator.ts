import type { ComparisonOperator, Expr, Literal } from './ast.js';
import { ipInRange, type IpAddress } from './ip.js';
import { parseExpression } from './parser.js';
import { requestFields, type FieldValue, type RulesRequest } from './request-fields.js';

/** Whether `text` matches `request`; throws RulesSyntaxError when Cloudflare would refuse the expression. */
export function evaluateExpression(text: string, request: RulesRequest): boolean {
  return evaluateParsed(parseExpression(text), request);
}

export function evaluateParsed(expr: Expr, request: RulesRequest): boolean {
  return evaluate(expr, requestFields(request)) === true;
}

/** undefined stands for a missing value (absent header, index past the end): every comparison on it is false. */
type Value = FieldValue | boolean[] | undefined;
type Fields = Map<string, FieldValue>;

function evaluate(expr: Expr, fields: Fields): Value {
  switch (expr.kind) {
    case 'constant':
      return expr.value;
    case 'logical': {
      const left = evaluate(expr.left, fields) === true;
      const right = evaluate(expr.right, fields) === true;
      if (expr.operator === 'and') return left && right;
      if (expr.operator === 'or') return left || right;
      return left !== right;
    }
    case 'not':
      return evaluate(expr.operand, fields) !== true;
    case 'field':
      return fields.get(expr.name);
    case 'literal':
      return expr.value.kind === 'string' ? expr.value.value : undefined;
    case 'index':
      return index(evaluate(expr.target, fields), expr.key);
    case 'compare':
      return perElement(expr.left, fields, (v) => compare(expr.operator, v, expr.right));
    case 'in':
      return perElement(expr.left, fields, (v) => expr.items.some((item) => compare('eq', v, item)));
    case 'call':
      return call(expr, fields);
  }
}

/** Applies `fn` to the value, or to each element when the value was unpacked with `[*]`. */
function perElement<T>(operand: Expr, fields: Fields, fn: (value: Value) => T): T | T[] | undefined {
  const value = evaluate(operand, fields);
  if (!operand.unpacked) return fn(value);
  return Array.isArray(value) ? (value as Value[]).map(fn) : [];
}

function index(target: Value, key: Extract<Expr, { kind: 'index' }>['key']): Value {
  if (target === undefined) return undefined;
  if (key === 'unpack') return target;
  if ('map' in key) return target instanceof Map ? target.get(key.map) : undefined;
  return Array.isArray(target) ? (target as Value[])[key.array] : undefined;
}

function compare(operator: ComparisonOperator, value: Value, literal: Literal): boolean {
  if (value === undefined) return false;
  if (literal.kind === 'ip') {
    const ip = value as IpAddress;
    const inside = ipInRange(ip, literal.range);
    return operator === 'ne' ? !inside : inside;
  }
  if (literal.kind === 'ip-span') {
    const ip = value as IpAddress;
    return ip.version === literal.version && ip.value >= literal.from && ip.value <= literal.to;
  }
  if (literal.kind === 'int-range') return typeof value === 'number' && value >= literal.from && value <= literal.to;
  const left = value as string | number;
  const right = literal.value;
  switch (operator) {
    case 'eq':
      return left === right;
    case 'ne':
      return left !== right;
    case 'lt':
      return left < right;
    case 'le':
      return left <= right;
    case 'gt':
      return left > right;
    case 'ge':
      return left >= right;
    case 'contains':
      return String(left).includes(String(right));
    case 'matches':
      return new RegExp(String(right)).test(String(left));
    case 'wildcard':
      return wildcardRegex(String(right), 'i').test(String(left));
    case 'strict wildcard':
      return wildcardRegex(String(right), '').test(String(left));
  }
}

function call(expr: Extract<Expr, { kind: 'call' }>, fields: Fields): Value {
  const [first, second] = expr.args;
  if (!first) return undefined;
  const each = <T>(fn: (v: string) => T) =>
    perElement(first, fields, (v) => (typeof v === 'string' ? fn(v) : undefined)) as Value;
  switch (expr.name) {
    case 'lower':
      return each((v) => v.replace(/[A-Z]+/g, (m) => m.toLowerCase()));
    case 'upper':
      return each((v) => v.replace(/[a-z]+/g, (m) => m.toUpperCase()));
    case 'starts_with':
    case 'ends_with': {
      const affix = second?.kind === 'literal' && second.value.kind === 'string' ? second.value.value : '';
      return each((v) => (expr.name === 'starts_with' ? v.startsWith(affix) : v.endsWith(affix)));
    }
    case 'len': {
      const value = evaluate(first, fields);
      return typeof value === 'string' ? Buffer.byteLength(value) : Array.isArray(value) ? value.length : undefined;
    }
    case 'any':
    case 'all': {
      const values = evaluate(first, fields);
      if (!Array.isArray(values)) return false;
      return expr.name === 'any' ? values.some((v) => v === true) : values.every((v) => v === true);
    }
    case 'concat':
      return expr.args
        .map((a) => evaluate(a, fields))
        .map((v) => (typeof v === 'string' ? v : ''))
        .join('');
    default:
      return undefined;
  }
}

/** `*` matches any run of characters; `\*` and `\\` are literal; the whole value must match. */
function wildcardRegex(pattern: string, flags: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i] ?? '';
    if (c === '\\') {
      source += escapeRegex(pattern[i + 1] ?? '');
      i += 1;
    } else source += c === '*' ? '.*' : escapeRegex(c);
  }
  return new RegExp(`^${source}$`, `s${flags}`);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The value of a string-valued expression (a redirect's dynamic target URL) for a request. */
export function evaluateValue(expr: Expr, request: RulesRequest): string | undefined {
  const value = evaluate(expr, requestFields(request));
  return typeof value === 'string' ? value : undefined;
}
