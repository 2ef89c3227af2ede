import { Injectable } from '@nestjs/common';
import Table from 'cli-table3';
import { errorKind, exitCodeFor } from './exit-codes.js';

export interface OutputOptions {
  json?: boolean;
}

/** How every command prints: a table or sentence for people, JSON with --json, and one exit code. */
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
    process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : `${render(result)}\n`);
  }

  fail(options: OutputOptions, error: unknown): void {
    process.exitCode = exitCodeFor(error);
    const message = error instanceof Error ? error.message : String(error);
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ error: { kind: errorKind(error), message } }, null, 2)}\n`);
    } else {
      process.stderr.write(`Error: ${message}\n`);
    }
  }
}

export function table(head: string[], rows: (string | number | boolean | null | undefined)[][]): string {
  if (rows.length === 0) return '(none)';
  const output = new Table({ head, style: { head: [], border: [] } });
  for (const row of rows) output.push(row.map((cell) => (cell === null || cell === undefined ? '' : String(cell))));
  return output.toString();
}

export function when(date: Date | null | undefined): string {
  return date ? date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '';
}
