export type { ComparisonOperator, Expr, Literal, RulesType } from './ast.js';
export { RulesSyntaxError } from './errors.js';
export { evaluateExpression, evaluateParsed, evaluateValue } from './evaluator.js';
export { ipInRange, parseIpAddress, parseIpRange, type IpAddress, type IpRange } from './ip.js';
export { parseExpression, parseValueExpression } from './parser.js';
export { redirectFor, redirectTarget, type RedirectTarget } from './redirect.js';
export type { RulesRequest } from './request-fields.js';
export { responseHeaderChanges, type HeaderChange } from './response-headers.js';
export { usesOperator } from './walk.js';
