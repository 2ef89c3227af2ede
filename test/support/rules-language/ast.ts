import type { IpRange } from './ip.js';

/** A value's type. `map` is a map of string arrays (headers, cookies). */
export type RulesType = 'bool' | 'string' | 'int' | 'ip' | 'string[]' | 'bool[]' | 'map';

export type ComparisonOperator =
  'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'contains' | 'matches' | 'wildcard' | 'strict wildcard';

export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'int'; value: number }
  | { kind: 'int-range'; from: number; to: number }
  | { kind: 'ip'; range: IpRange }
  | { kind: 'ip-span'; version: 4 | 6; from: bigint; to: bigint };

/**
 * Every node knows its type. `unpacked` marks the elements of an array unpacked with `[*]`: a comparison
 * or function applied to them yields an array again, which only `any()` and `all()` turn into a boolean.
 */
export type Expr = (
  | { kind: 'logical'; operator: 'and' | 'or' | 'xor'; left: Expr; right: Expr }
  | { kind: 'not'; operand: Expr }
  | { kind: 'compare'; operator: ComparisonOperator; left: Expr; right: Literal }
  | { kind: 'in'; left: Expr; items: Literal[] }
  | { kind: 'field'; name: string }
  | { kind: 'index'; target: Expr; key: { map: string } | { array: number } | 'unpack' }
  | { kind: 'call'; name: string; args: Expr[] }
  | { kind: 'literal'; value: Literal }
  | { kind: 'constant'; value: boolean }
) & { type: RulesType; unpacked: boolean; offset: number };
