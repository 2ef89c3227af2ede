export type ErrorKind = 'validation' | 'not_found' | 'conflict' | 'quota' | 'cloudflare' | 'internal';

/**
 * One error type per failure family. The CLI maps them to exit codes and the admin to notices,
 * each in one place (cli/exit-codes.ts, admin/notices.ts).
 */
export abstract class AppError extends Error {
  abstract readonly kind: ErrorKind;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  readonly kind = 'validation' as const;
  /** The input at fault (a service input's property, e.g. `domain`), so that a form can show the message beside it. */
  readonly field?: string;

  constructor(message: string, options: { field?: string } = {}) {
    super(message);
    this.field = options.field;
  }
}

export class NotFoundError extends AppError {
  readonly kind = 'not_found' as const;
}

export class ConflictError extends AppError {
  readonly kind = 'conflict' as const;
}

export class QuotaError extends AppError {
  readonly kind = 'quota' as const;
  constructor(
    readonly needed: number,
    readonly free: number,
    readonly quota: number,
    message: string,
  ) {
    super(message);
  }
}
