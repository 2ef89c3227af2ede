import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { escapeControlCharacters } from './control-characters.js';

/**
 * Nest's console logger, except that a message can neither drive the terminal nor forge a log line: its
 * control characters, line breaks included, are written as escapes (one record, one line). A stack trace
 * keeps its lines, every one indented, so that none of them can pass for a record of its own.
 */
export class TerminalSafeLogger extends ConsoleLogger {
  protected override stringifyMessage(message: unknown, logLevel: LogLevel): string {
    const resolved = this.resolveMessage(message);
    return super.stringifyMessage(typeof resolved === 'string' ? escapeControlCharacters(resolved) : resolved, logLevel);
  }

  /** Nest calls it after every error record, with no stack when the record had none. */
  protected override printStackTrace(stack: string | undefined): void {
    if (!stack) return;
    super.printStackTrace(escapeControlCharacters(stack, { keepLineBreaks: true }).replace(/\n(?![ \t])/g, '\n    '));
  }
}
