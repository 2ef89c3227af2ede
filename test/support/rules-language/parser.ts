import type { ComparisonOperator, Expr, Literal, RulesType } from './ast.js';
import { RulesSyntaxError } from './errors.js';
import { parseIpRange, type IpRange } from './ip.js';
import { FIELDS, OPERATORS_BY_TYPE, SET_TYPES, SYMBOL_OPERATORS, WORD_OPERATORS } from './schema.js';

/**
 * Parses a rule expression of the subset (see README.md) into a typed tree, and throws a RulesSyntaxError for
 * anything Cloudflare would refuse or that lies outside the subset. Precedence, tightest first:
 * comparison, `not`, `and`, `xor`, `or` (Rules language › Operators › Order of precedence).
 */
export function parseExpression(text: string): Expr {
  const parser = new Parser(text);
  const expr = parser.parseOr();
  parser.skipSpace();
  if (!parser.atEnd()) parser.fail('unrecognised input: expected "and", "or", "xor" or the end of the expression');
  requireBoolean(expr, text);
  return expr;
}

/** A value expression, as in a redirect's `target_url.expression`: it must yield a string. */
export function parseValueExpression(text: string): Expr {
  const parser = new Parser(text);
  parser.skipSpace();
  const expr = parser.parseArgument();
  parser.skipSpace();
  if (!parser.atEnd()) parser.fail('unrecognised input after the value');
  if (expr.type !== 'string' || expr.unpacked) {
    throw new RulesSyntaxError(`expected a string value, found ${describe(expr)}`, expr.offset, text);
  }
  return expr;
}

const IDENTIFIER = /[a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)*/y;
/** IP addresses are bare words of hex digits, colons and single dots (so `..` ends one, as in a range). */
const IP_ADDRESS_TOKEN = /^[0-9A-Fa-f:]+(?:\.[0-9A-Fa-f:]+)*/;
const IP_TOKEN = /^[0-9A-Fa-f:]+(?:\.[0-9A-Fa-f:]+)*(?:\/\d+)?/;
const WORD_CHAR = /[A-Za-z0-9_.]/;

class Parser {
  private pos = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  fail(reason: string, at = this.pos): never {
    throw new RulesSyntaxError(reason, at, this.text);
  }

  skipSpace(): void {
    while (!this.atEnd() && /\s/.test(this.text[this.pos] ?? '')) this.pos += 1;
  }

  parseOr(): Expr {
    return this.parseLogical('or', ['or', '||'], () => this.parseXor());
  }

  private parseXor(): Expr {
    return this.parseLogical('xor', ['xor', '^^'], () => this.parseAnd());
  }

  private parseAnd(): Expr {
    return this.parseLogical('and', ['and', '&&'], () => this.parseNot());
  }

  private parseLogical(operator: 'and' | 'or' | 'xor', spellings: string[], next: () => Expr): Expr {
    let left = next();
    for (;;) {
      const at = this.pos;
      if (!this.eatOperator(spellings)) return left;
      requireBoolean(left, this.text);
      const right = next();
      requireBoolean(right, this.text);
      left = { kind: 'logical', operator, left, right, type: 'bool', unpacked: false, offset: at };
    }
  }

  private parseNot(): Expr {
    this.skipSpace();
    const at = this.pos;
    if (this.text.startsWith('!', this.pos) && !this.text.startsWith('!=', this.pos)) {
      this.pos += 1;
    } else if (!this.eatWord('not')) {
      return this.parseAtom();
    }
    const operand = this.parseNot();
    requireBoolean(operand, this.text);
    return { kind: 'not', operand, type: 'bool', unpacked: false, offset: at };
  }

  private parseAtom(): Expr {
    this.skipSpace();
    if (this.atEnd()) this.fail('unexpected end of the expression: expected a field, a function or "("');
    if (this.text[this.pos] === '(') {
      const open = this.pos;
      this.pos += 1;
      const inner = this.parseOr();
      this.skipSpace();
      if (this.text[this.pos] !== ')') this.fail(`unbalanced parentheses: "(" at ${open + 1} is never closed`);
      this.pos += 1;
      return inner;
    }
    if (this.text[this.pos] === ')') this.fail('unbalanced parentheses: ")" without a matching "("');
    return this.parseComparison();
  }

  /** A field or function, then optionally an operator and its literal right-hand side. */
  private parseComparison(): Expr {
    const left = this.parseValue();
    this.skipSpace();
    const at = this.pos;
    if (this.eatWord('in')) return this.parseIn(left, at);
    const operator = this.readOperator();
    if (!operator) return left;
    if (left.kind === 'constant') this.fail(`"${String(left.value)}" cannot be compared`, at);
    const allowed = OPERATORS_BY_TYPE[left.type] ?? [];
    if (!allowed.includes(operator)) {
      this.fail(`operator "${operator}" does not apply to ${describe(left)}${hintFor(left)}`, at);
    }
    this.skipSpace();
    const right = this.parseLiteral(left.type, operator);
    return {
      kind: 'compare',
      operator,
      left,
      right,
      type: left.unpacked ? 'bool[]' : 'bool',
      unpacked: false,
      offset: at,
    };
  }

  private parseIn(left: Expr, at: number): Expr {
    if (!SET_TYPES.includes(left.type)) this.fail(`"in" does not apply to ${describe(left)}${hintFor(left)}`, at);
    this.skipSpace();
    if (this.text[this.pos] === '$') this.fail('named lists ("in $list") are outside the supported subset');
    if (this.text[this.pos] !== '{') this.fail('expected "{" to open the set of values after "in"');
    this.pos += 1;
    const items: Literal[] = [];
    for (;;) {
      this.skipSpace();
      if (this.atEnd()) this.fail('unbalanced braces: the set opened with "{" is never closed');
      if (this.text[this.pos] === '}') break;
      if (this.text[this.pos] === ',') this.fail('values in a set are separated by spaces, not commas');
      items.push(this.parseLiteral(left.type, 'in'));
    }
    if (items.length === 0) this.fail('a set needs at least one value');
    this.pos += 1;
    return { kind: 'in', left, items, type: left.unpacked ? 'bool[]' : 'bool', unpacked: false, offset: at };
  }

  private readOperator(): ComparisonOperator | undefined {
    for (const [symbol, operator] of SYMBOL_OPERATORS) {
      if (this.text.startsWith(symbol, this.pos)) {
        this.pos += symbol.length;
        return operator;
      }
    }
    const start = this.pos;
    const word = this.peekWord();
    if (word === 'strict') {
      this.pos += word.length;
      this.skipSpace();
      if (!this.eatWord('wildcard')) this.fail('"strict" must be followed by "wildcard"', start);
      return 'strict wildcard';
    }
    const operator = word === undefined ? undefined : WORD_OPERATORS[word];
    if (operator && word) {
      this.pos += word.length;
      return operator;
    }
    if (word !== undefined && !['and', 'or', 'xor', 'not'].includes(word)) {
      this.fail(`unknown operator "${word}"`);
    }
    return undefined;
  }

  /** A field, function call or boolean constant, followed by any `[key]`, `[index]` or `[*]`. */
  private parseValue(): Expr {
    this.skipSpace();
    const at = this.pos;
    const c = this.text[this.pos] ?? '';
    if (c === '"' || (c === 'r' && /^r#*"/.test(this.text.slice(this.pos)))) {
      this.fail('a literal cannot stand on the left of a comparison: put the field first');
    }
    IDENTIFIER.lastIndex = this.pos;
    const match = IDENTIFIER.exec(this.text);
    if (!match) this.fail(c === '' ? 'unexpected end of the expression' : `unexpected character "${c}"`);
    const name = match[0];
    this.pos += name.length;
    if (WORD_CHAR.test(this.text[this.pos] ?? '')) {
      this.fail(`invalid identifier "${name}${this.text[this.pos] ?? ''}…"`, at);
    }
    let value: Expr;
    this.skipSpace();
    if (this.text[this.pos] === '(') value = this.parseCall(name, at);
    else if (name === 'true' || name === 'false') {
      value = { kind: 'constant', value: name === 'true', type: 'bool', unpacked: false, offset: at };
    } else {
      const type = FIELDS[name];
      if (!type) this.fail(`unknown identifier "${name}"`, at);
      value = { kind: 'field', name, type, unpacked: false, offset: at };
    }
    return this.parseIndexes(value);
  }

  private parseIndexes(start: Expr): Expr {
    let value = start;
    for (;;) {
      const save = this.pos;
      this.skipSpace();
      if (this.text[this.pos] !== '[') {
        this.pos = save;
        return value;
      }
      const at = this.pos;
      this.pos += 1;
      this.skipSpace();
      value = this.parseIndex(value, at);
      this.skipSpace();
      if (this.text[this.pos] !== ']') this.fail('expected "]" to close the index');
      this.pos += 1;
    }
  }

  private parseIndex(target: Expr, at: number): Expr {
    if (target.unpacked) this.fail('an unpacked array ([*]) can only be compared or passed to a function', at);
    if (this.text[this.pos] === '*') {
      this.pos += 1;
      const element = elementType(target.type);
      if (!element) this.fail(`[*] applies to an array, not to ${describe(target)}`, at);
      return { kind: 'index', target, key: 'unpack', type: element, unpacked: true, offset: at };
    }
    if (target.type === 'map') {
      const key = this.parseStringLiteral();
      return { kind: 'index', target, key: { map: key }, type: 'string[]', unpacked: false, offset: at };
    }
    const element = elementType(target.type);
    if (!element) this.fail(`${describe(target)} cannot be indexed`, at);
    const index = this.parseInteger();
    return { kind: 'index', target, key: { array: index }, type: element, unpacked: false, offset: at };
  }

  private parseCall(name: string, at: number): Expr {
    this.pos += 1; // (
    const args: Expr[] = [];
    this.skipSpace();
    if (this.text[this.pos] !== ')') {
      for (;;) {
        args.push(this.parseArgument());
        this.skipSpace();
        if (this.text[this.pos] === ',') {
          this.pos += 1;
          continue;
        }
        if (this.text[this.pos] === ')') break;
        this.fail(
          this.atEnd() ? `unbalanced parentheses: the call to ${name}() is never closed` : 'expected "," or ")"',
        );
      }
    }
    this.pos += 1; // )
    return typeCall(name, args, at, this.text);
  }

  /** A function argument: a string literal, or a comparison (which may be a bare field or call). */
  parseArgument(): Expr {
    this.skipSpace();
    const at = this.pos;
    const c = this.text[this.pos] ?? '';
    if (c === '"' || (c === 'r' && /^r#*"/.test(this.text.slice(this.pos)))) {
      const value = this.parseStringLiteral();
      return { kind: 'literal', value: { kind: 'string', value }, type: 'string', unpacked: false, offset: at };
    }
    return this.parseComparison();
  }

  private parseLiteral(type: RulesType, operator: ComparisonOperator | 'in'): Literal {
    const at = this.pos;
    if (type === 'string') {
      const value = this.parseStringLiteral(operator === 'matches' ? 'regex' : 'basic');
      if (operator === 'matches') checkRegex(value, at, this.text);
      if (operator === 'wildcard' || operator === 'strict wildcard') checkWildcard(value, at, this.text);
      return { kind: 'string', value };
    }
    if (type === 'int') {
      const from = this.parseInteger();
      if (operator === 'in' && this.text.startsWith('..', this.pos)) {
        this.pos += 2;
        return { kind: 'int-range', from, to: this.parseInteger() };
      }
      return { kind: 'int', value: from };
    }
    const match = IP_TOKEN.exec(this.text.slice(this.pos));
    if (!match) this.fail('expected an IP address or CIDR block (unquoted)');
    const range = parseIpRange(match[0]);
    if (!range) this.fail(`"${match[0]}" is not a valid IP address or CIDR block`);
    const width = range.version === 4 ? 32 : 128;
    if (operator !== 'in' && range.bits !== width) this.fail('a CIDR block can only be used with "in {…}"', at);
    this.pos += match[0].length;
    if (operator === 'in' && range.bits === width && this.text.startsWith('..', this.pos)) {
      this.pos += 2;
      return this.parseIpSpan(range, at);
    }
    if (WORD_CHAR.test(this.text[this.pos] ?? '') || this.text[this.pos] === ':') {
      this.fail(`"${match[0]}${this.text[this.pos] ?? ''}…" is not a valid IP address or CIDR block`, at);
    }
    return { kind: 'ip', range };
  }

  /** `198.51.100.3..198.51.100.7`: both ends of one family, in order. */
  private parseIpSpan(from: IpRange, at: number): Literal {
    const match = IP_ADDRESS_TOKEN.exec(this.text.slice(this.pos));
    const to = match ? parseIpRange(match[0]) : undefined;
    if (!match || !to || to.bits !== (to.version === 4 ? 32 : 128)) this.fail('expected an IP address after ".."');
    if (to.version !== from.version || to.base < from.base) {
      this.fail('an IP range needs two addresses of one family, the lower first', at);
    }
    this.pos += match[0].length;
    return { kind: 'ip-span', from: from.base, to: to.base, version: from.version };
  }

  /**
   * A raw string `r"…"` / `r#"…"#` (no escapes), or `"…"` where `\"` and `\\` are the only escapes; on the
   * right of `matches` the quoted string follows regex escaping instead, so its text goes to the regex as written
   * (Rules language › Values › Quoted string syntax).
   */
  private parseStringLiteral(mode: 'basic' | 'regex' = 'basic'): string {
    const at = this.pos;
    const raw = /^r(#*)"/.exec(this.text.slice(this.pos));
    if (raw) {
      const closing = `"${raw[1] ?? ''}`;
      const start = this.pos + raw[0].length;
      const end = this.text.indexOf(closing, start);
      if (end === -1) this.fail(`unterminated raw string: expected ${closing} to close it`, at);
      this.pos = end + closing.length;
      return this.text.slice(start, end);
    }
    if (this.text[this.pos] !== '"') this.fail('expected a quoted string');
    this.pos += 1;
    let value = '';
    for (;;) {
      if (this.atEnd()) this.fail('unterminated string: a closing " is missing', at);
      const c = this.text[this.pos] ?? '';
      if (c === '"') break;
      if (c === '\\' && mode === 'regex') {
        value += this.text.slice(this.pos, this.pos + 2);
        this.pos += 2;
        continue;
      }
      if (c === '\\') {
        const next = this.text[this.pos + 1];
        if (next !== '"' && next !== '\\') {
          this.fail(`invalid escape "\\${next ?? ''}" in a string: only \\" and \\\\ are allowed`);
        }
        value += next;
        this.pos += 2;
        continue;
      }
      value += c;
      this.pos += 1;
    }
    this.pos += 1;
    return value;
  }

  private parseInteger(): number {
    const match = /^\d+/.exec(this.text.slice(this.pos));
    if (!match) this.fail('expected a non-negative integer');
    this.pos += match[0].length;
    return Number(match[0]);
  }

  private peekWord(): string | undefined {
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos));
    return match?.[0];
  }

  private eatWord(word: string): boolean {
    if (this.peekWord() !== word) return false;
    this.pos += word.length;
    return true;
  }

  private eatOperator(spellings: string[]): boolean {
    this.skipSpace();
    for (const spelling of spellings) {
      if (/^[a-z]/.test(spelling) ? this.eatWord(spelling) : this.eatSymbol(spelling)) return true;
    }
    return false;
  }

  private eatSymbol(symbol: string): boolean {
    if (!this.text.startsWith(symbol, this.pos)) return false;
    this.pos += symbol.length;
    return true;
  }
}

function typeCall(name: string, args: Expr[], at: number, text: string): Expr {
  const fail = (reason: string): never => {
    throw new RulesSyntaxError(reason, at, text);
  };
  const arity = (n: number) => {
    if (args.length !== n) fail(`${name}() takes ${n} argument${n === 1 ? '' : 's'}, not ${args.length}`);
  };
  const first = args[0];
  const call = (type: RulesType, unpacked = false): Expr => ({ kind: 'call', name, args, type, unpacked, offset: at });
  /** A function applied to unpacked elements yields an array of its results. */
  const elementwise = (type: 'string' | 'bool'): Expr => call(first?.unpacked ? (`${type}[]` as RulesType) : type);
  switch (name) {
    case 'lower':
    case 'upper':
      arity(1);
      if (first?.type !== 'string' || first.kind === 'literal') fail(`${name}() takes a string field or function`);
      return elementwise('string');
    case 'len':
      arity(1);
      if (!first || first.unpacked || !['string', 'string[]'].includes(first.type) || first.kind === 'literal') {
        fail('len() takes a string or array field');
      }
      return call('int');
    case 'starts_with':
    case 'ends_with':
      arity(2);
      if (first?.type !== 'string' || first.kind === 'literal') {
        fail(`the source of ${name}() must be a string field or function, not a literal`);
      }
      if (args[1]?.kind !== 'literal') fail(`the second argument of ${name}() must be a string literal`);
      return elementwise('bool');
    case 'any':
    case 'all':
      arity(1);
      if (first?.type !== 'bool[]') fail(`${name}() takes an array of booleans, such as a comparison on [*]`);
      return call('bool');
    case 'concat':
      if (args.length < 2) fail('concat() takes at least two arguments');
      if (args.some((a) => a.type !== 'string' || a.unpacked)) fail('concat() takes strings');
      return call('string');
    default:
      return fail(`unknown function "${name}"`);
  }
}

function requireBoolean(expr: Expr, text: string): void {
  if (expr.type === 'bool' && !expr.unpacked) return;
  const hint =
    expr.type === 'bool[]' || expr.unpacked
      ? ': wrap a comparison on [*] in any() or all()'
      : ': compare it with an operator';
  throw new RulesSyntaxError(`expected a boolean, found ${describe(expr)}${hint}`, expr.offset, text);
}

function elementType(type: RulesType): RulesType | undefined {
  if (type === 'string[]') return 'string';
  if (type === 'bool[]') return 'bool';
  return undefined;
}

function describe(expr: Expr): string {
  const what = expr.kind === 'field' ? `field ${expr.name}` : expr.kind === 'call' ? `${expr.name}()` : 'a value';
  return `${what} (${expr.unpacked ? `unpacked ${expr.type}` : expr.type})`;
}

function hintFor(expr: Expr): string {
  if (expr.type === 'string[]') return ': pick an element with [0], or compare all with any(…[*] …)';
  if (expr.type === 'map') return ': look a name up first, such as ["name"][0]';
  return '';
}

function checkRegex(pattern: string, at: number, text: string): void {
  try {
    new RegExp(pattern);
  } catch (error) {
    throw new RulesSyntaxError(`invalid regular expression: ${(error as Error).message}`, at, text);
  }
}

/** In a wildcard pattern `\*` and `\\` are the only escapes and `**` is invalid (Rules language › Operators). */
function checkWildcard(pattern: string, at: number, text: string): void {
  for (let i = 0; i < pattern.length; i += 1) {
    if (pattern[i] === '*' && pattern[i + 1] === '*') {
      throw new RulesSyntaxError('"**" is not allowed in a wildcard pattern', at, text);
    }
    if (pattern[i] !== '\\') continue;
    const next = pattern[i + 1];
    if (next !== '*' && next !== '\\') {
      throw new RulesSyntaxError('invalid escape in a wildcard pattern: only \\* and \\\\ are allowed', at, text);
    }
    i += 1;
  }
}
