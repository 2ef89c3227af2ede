import { AppError } from '../common/errors.js';
import { ConfigError } from '../config/load-config.js';
import { DatabaseUnavailableError } from '../database/database-unavailable.error.js';
import { EmbeddedDatabaseBusyError } from '../database/embedded/busy-error.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

/** Commander's own errors (unknown option, missing argument, --help) carry a `commander.*` code. */
export function isUsageError(error: unknown): error is Error & { code: string; exitCode: number } {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('commander.');
}

/** The one place where failures become exit codes: 2 for bad input, 1 for a failed operation. */
export function exitCodeFor(error: unknown): number {
  if (isUsageError(error)) return error.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT;
  if (error instanceof ConfigError) return EXIT_BAD_INPUT;
  if (error instanceof AppError && (error.kind === 'validation' || error.kind === 'not_found')) return EXIT_BAD_INPUT;
  return EXIT_FAILED;
}

export function errorKind(error: unknown): string {
  if (error instanceof AppError) return error.kind;
  if (isUsageError(error)) return 'usage';
  if (error instanceof ConfigError) return 'config';
  if (error instanceof DatabaseUnavailableError || error instanceof EmbeddedDatabaseBusyError) return 'database';
  return 'internal';
}
