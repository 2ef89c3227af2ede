export interface ApiMessage {
  code: number;
  message: string;
  error_chain?: ApiMessage[];
  /** The Rulesets API points at the offending field with a JSON pointer. */
  source?: { pointer: string };
}

export interface ResultInfo {
  page: number;
  per_page: number;
  count: number;
  total_count: number;
  total_pages: number;
}

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export function success(result: unknown, extra: { resultInfo?: ResultInfo; messages?: unknown[] } = {}): Reply {
  const body: Record<string, unknown> = { success: true, errors: [], messages: extra.messages ?? [], result };
  if (extra.resultInfo) body.result_info = extra.resultInfo;
  return { status: 200, body };
}

export function failureBody(errors: ApiMessage[], messages: ApiMessage[] = []): Record<string, unknown> {
  return { success: false, errors, messages, result: null };
}

/** A Cloudflare error answer; handlers throw it and the server turns it into the failure envelope. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errors: ApiMessage[],
    readonly messages: ApiMessage[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(errors.map((e) => `${e.code} ${e.message}`).join('; '));
  }

  static of(status: number, code: number, message: string, messages: ApiMessage[] = []): ApiError {
    return new ApiError(status, [{ code, message }], messages);
  }

  toReply(): Reply {
    return { status: this.status, body: failureBody(this.errors, this.messages), headers: this.headers };
  }
}

/** Cloudflare's generic "bad query" answer, used for out-of-range pagination and unknown enum values. */
export function invalidRequest(detail: string): ApiError {
  return ApiError.of(400, 1001, `Invalid request: ${detail}`);
}
