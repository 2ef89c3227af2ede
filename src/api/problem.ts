import { HttpException } from '@nestjs/common';
import { CloudflareApiError } from '../cloudflare/cloudflare-api.error.js';
import { AppError, type ErrorKind, QuotaError, ValidationError } from '../common/errors.js';
import { TransitionFailedError } from '../maintenance/transition-failed.error.js';

/** An RFC 9457 problem, with our stable `code` and the members that code promises. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  /** 400: the input at fault. */
  field?: string;
  /** 422: rules the sites needed, and room left in the zone. */
  needed?: number;
  free?: number;
  /** 502: Cloudflare's own error code (null when it gave none) and the step that failed. */
  cloudflareCode?: number | null;
  step?: string;
}

export const PROBLEM_CODES = {
  invalid_input: { status: 400, title: 'The request is invalid' },
  token_missing: { status: 401, title: 'No API token' },
  token_invalid: { status: 401, title: 'The API token is not valid' },
  token_expired: { status: 401, title: 'The API token has expired' },
  token_revoked: { status: 401, title: 'The API token was revoked' },
  role_forbidden: { status: 403, title: "The token's role does not allow this" },
  site_forbidden: { status: 403, title: "The site is outside the token's sites" },
  not_found: { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Busy or in conflict' },
  body_too_large: { status: 413, title: 'The request body is too large' },
  unsupported_media_type: { status: 415, title: 'The request body must be application/json' },
  quota_exceeded: { status: 422, title: "The zone has no room for the rules needed" },
  rate_limited: { status: 429, title: 'Too many requests with this token' },
  internal_error: { status: 500, title: 'Internal error' },
  cloudflare_refused: { status: 502, title: 'Cloudflare refused or could not be reached' },
} as const;
export type ProblemCode = keyof typeof PROBLEM_CODES;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problem(code: ProblemCode, detail: string, extra: Partial<Problem> = {}): Problem {
  const { status, title } = PROBLEM_CODES[code];
  return { type: `urn:cloudflare-maintenance:problem:${code}`, title, status, detail, code, ...extra };
}

/** A refusal made at the API's own edge (authentication, scope, media type), thrown as it is answered. */
export class ApiProblem extends HttpException {
  constructor(readonly problem: Problem) {
    super(problem, problem.status);
  }
}

/** The API's one mapping of the error kinds (docs/architecture.md#error-kinds-and-their-one-mapping-per-edge). */
export function problemFor(error: unknown): Problem {
  if (error instanceof ApiProblem) return error.problem;
  if (!(error instanceof AppError)) return problem('internal_error', 'An unexpected error occurred; the server log has its details.');
  const kind: ErrorKind = error.kind;
  switch (kind) {
    case 'validation':
      return problem('invalid_input', error.message, error instanceof ValidationError && error.field ? { field: error.field } : {});
    case 'not_found':
      return problem('not_found', error.message);
    case 'conflict':
      return problem('conflict', error.message);
    case 'quota': {
      const quota = quotaOf(error);
      return problem('quota_exceeded', error.message, quota ? { needed: quota.needed, free: quota.free } : {});
    }
    case 'cloudflare':
      return problem('cloudflare_refused', error.message, {
        cloudflareCode: cloudflareCodeOf(error),
        ...(error instanceof TransitionFailedError && error.step ? { step: error.step } : {}),
      });
    case 'internal':
      return problem('internal_error', 'An unexpected error occurred; the server log has its details.');
    default:
      return assertUnreachable(kind);
  }
}

function quotaOf(error: AppError): QuotaError | undefined {
  if (error instanceof QuotaError) return error;
  return error instanceof TransitionFailedError && error.cause instanceof QuotaError ? error.cause : undefined;
}

function cloudflareCodeOf(error: AppError): number | null {
  const cause = error instanceof TransitionFailedError ? error.cause : error;
  return cause instanceof CloudflareApiError ? cause.code : null;
}

function assertUnreachable(kind: never): never {
  throw new Error(`Unmapped error kind ${String(kind)}`);
}
