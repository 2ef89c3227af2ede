import { Injectable } from '@nestjs/common';
import Table from 'cli-table3';
import { escapeControlCharacters, terminalSafeJson } from '../common/control-characters.js';
import { errorKind, exitCodeFor } from './exit-codes.js';

export interface OutputOptions {
  json?: boolean;
}

/**
 * How every command prints: a table or sentence for people, JSON with --json, and one exit code. Stored
 * text may hold control characters (written by an older version, or by Cloudflare): they are printed
 * escaped, never raw, so they cannot drive the terminal; the line breaks of our own layout are kept.
 */
@Injectable()
export class CliOutput {
  async run<T>(options: OutputOptions, action: () => Promise<T>, render: (result: T) => string): Promise<void> {
    let result: T;
    try {
      result = await action();
    } catch (error) {
      this.fail(options, error);
      return;
    }
    process.stdout.write(options.json ? `${terminalSafeJson(result)}\n` : `${forTerminal(render(result))}\n`);
  }

  fail(options: OutputOptions, error: unknown): void {
    printFailure(options, error);
  }
}

/** A failure: `{"error": {kind, message}}` on stdout with --json, else one `Error: …` on stderr; and its exit code. */
export function printFailure(options: OutputOptions, error: unknown): void {
  process.exitCode = exitCodeFor(error);
  const message = error instanceof Error ? error.message : String(error);
  if (options.json) {
    process.stdout.write(`${terminalSafeJson({ error: { kind: errorKind(error), message } })}\n`);
  } else {
    process.stderr.write(`Error: ${forTerminal(message)}\n`);
  }
}

/** Text whose line breaks are ours: every other control character escaped. */
export function forTerminal(text: string): string {
  return escapeControlCharacters(text, { keepLineBreaks: true });
}

/** A value printed within a line of ours: its own line breaks escaped too. */
export function inline(value: string | null | undefined): string {
  return escapeControlCharacters(value ?? '');
}

/** A table cell shows at most this much of a value (--json has all of it). */
const CELL_LIMIT = 2048;

export function table(head: string[], rows: (string | number | boolean | null | undefined)[][]): string {
  if (rows.length === 0) return '(none)';
  const output = new Table({ head, style: { head: [], border: [] } });
  for (const row of rows) output.push(row.map((cell) => (cell === null || cell === undefined ? '' : tableCell(String(cell)))));
  return output.toString();
}

function tableCell(value: string): string {
  const shown = inline(value);
  return shown.length > CELL_LIMIT ? `${shown.slice(0, CELL_LIMIT - 1)}…` : shown;
}

export function when(date: Date | null | undefined): string {
  return date ? date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '';
}
