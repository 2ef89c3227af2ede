import { CloudflareApiError } from '../cloudflare/cloudflare-api.error.js';
import { AppError, type ErrorKind } from '../common/errors.js';
import type { MaintenanceLog } from '../logs/maintenance-log.entity.js';

/**
 * The one mapping of a failure to the code an audit row and a bulk report record: Cloudflare's own
 * code where it gave one, else our error kind; null for an unexpected error.
 */
export function failureCode(error: unknown): string | null {
  if (error instanceof TransitionFailedError) return error.code;
  if (error instanceof CloudflareApiError && error.code !== null) return String(error.code);
  if (error instanceof AppError) return error.kind;
  return null;
}

/**
 * A site transition that failed after it was claimed and audited. It keeps the kind of what went
 * wrong (a refused quota stays `quota`, a conflict `conflict`), so every edge maps it like the cause;
 * the message says which step failed and what was left behind.
 */
export class TransitionFailedError extends AppError {
  readonly kind: ErrorKind;
  /** Cloudflare's code where it gave one, else the kind. */
  readonly code: string;
  /** The step that failed (e.g. `create rule 2 of 3`), where one had started. */
  readonly step?: string;

  constructor(
    message: string,
    readonly log: MaintenanceLog,
    override readonly cause: unknown,
    options: { kind?: ErrorKind; step?: string } = {},
  ) {
    super(message);
    this.kind = options.kind ?? (cause instanceof AppError ? cause.kind : 'internal');
    this.step = options.step;
    this.code = failureCode(cause) ?? this.kind;
  }
}
