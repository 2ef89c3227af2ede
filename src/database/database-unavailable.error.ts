import { resolve } from 'node:path';
import { dataDirProblem } from '../config/data-dir.js';
import { ConfigError } from '../config/load-config.js';

/** The database could not be opened: the message names where (host and port, or the folder) and what to check. */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
}

/** Node's network errors say little; PostgreSQL's own (with a SQLSTATE code) are clear, and never hold the password. */
const NETWORK_CAUSES: Record<string, string> = {
  ECONNREFUSED: 'nothing accepts connections there',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved (DNS did not answer)',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ECONNRESET: 'the server closed the connection',
};

function codeOf(error: unknown): string | undefined {
  const direct = (error as { code?: unknown } | null)?.code;
  if (typeof direct === 'string') return direct;
  // Node reports a refused connection to every address of a name (::1 and 127.0.0.1) as an AggregateError.
  const inner = (error as { errors?: unknown[] } | null)?.errors?.[0];
  return inner ? codeOf(inner) : undefined;
}

function messageOf(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  const inner = (error as { errors?: unknown[] } | null)?.errors?.[0];
  return inner ? messageOf(inner) : String(error);
}

/** For a failure to connect to DATABASE_URL; its password is never part of the message. */
export function postgresUnavailable(databaseUrl: string, error: unknown): DatabaseUnavailableError {
  const url = new URL(databaseUrl);
  const where = `PostgreSQL at ${url.hostname || 'localhost'}:${url.port || '5432'}`;
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || '(default)';
  const user = decodeURIComponent(url.username) || '(default)';
  const code = codeOf(error);
  let cause = (code && NETWORK_CAUSES[code]) || messageOf(error).replace(/\s+/g, ' ');
  if (url.password.length >= 4) cause = cause.split(decodeURIComponent(url.password)).join('[redacted]');
  return new DatabaseUnavailableError(
    `Could not open the database: ${where} (database "${database}", user "${user}"): ${cause}${code ? ` (${code})` : ''}. ` +
      'Check DATABASE_URL, and that PostgreSQL runs and can be reached from here.',
  );
}

/** For a failure to open the embedded database in DATA_DIR: a folder problem is a configuration error. */
export function embeddedUnavailable(dataDir: string, error: unknown): Error {
  const problem = dataDirProblem(dataDir, error);
  if (problem) return new ConfigError(problem);
  if (error instanceof Error && error.name === 'EmbeddedDatabaseBusyError') return error;
  return new DatabaseUnavailableError(
    `Could not open the embedded database in ${resolve(dataDir)}: ${messageOf(error).replace(/\s+/g, ' ')}. Check DATA_DIR, or set DATABASE_URL to use PostgreSQL.`,
  );
}
