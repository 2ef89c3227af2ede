import type { ComparisonOperator, Expr } from './ast.js';

/** Whether the expression uses `operator` anywhere (the fake refuses `matches` below Business). */
export function usesOperator(expr: Expr, operator: ComparisonOperator): boolean {
  switch (expr.kind) {
    case 'logical':
      return usesOperator(expr.left, operator) || usesOperator(expr.right, operator);
    case 'not':
      return usesOperator(expr.operand, operator);
    case 'compare':
      return expr.operator === operator || usesOperator(expr.left, operator);
    case 'in':
      return usesOperator(expr.left, operator);
    case 'index':
      return usesOperator(expr.target, operator);
    case 'call':
      return expr.args.some((a) => usesOperator(a, operator));
    default:
      return false;
  }
}
