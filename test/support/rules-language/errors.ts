/**
 * An expression Cloudflare would refuse, or one outside the subset this evaluator knows (which is then
 * refused too, so that our emitter is held to what is known to be accepted). `offset` is 0-based.
 */
export class RulesSyntaxError extends Error {
  override readonly name = 'RulesSyntaxError';

  constructor(
    readonly reason: string,
    readonly offset: number,
    readonly expression: string,
  ) {
    super(`Filter parsing error (${lineAndColumn(expression, offset)}): ${reason}`);
  }
}

/** Cloudflare reports positions as `line:column`, both from 1. */
function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${(before.at(-1)?.length ?? 0) + 1}`;
}
