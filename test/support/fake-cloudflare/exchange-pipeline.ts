import { STATUS_CODES, type IncomingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { validateRequest, validateResponse } from '../openapi-conformance.js';
import { authenticate, bearerToken, notRoutable } from './auth.js';
import { ApiError, failureBody, type Reply } from './envelope.js';
import type { FakeState } from './fake-state.js';
import type { FaultBook } from './faults.js';
import type { RateLimiter } from './rate-limiter.js';
import type { RequestContext } from './request-context.js';
import { findRoute } from './router.js';
import type { FaultKind, RecordedExchange } from './types.js';
import { isWorkersPath, workersRequestProblems } from './workers-contract.js';
import { mediaTypeOf, readMultipart } from './workers-upload.js';

export const BASE_PATH = '/client/v4';
const THROTTLED = { code: 971, message: 'Please wait and consider throttling your request speed' };

export interface IncomingRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  rawBody: string;
}

/** What the HTTP layer must do with the connection. */
export type Outcome =
  | { kind: 'send'; status: number; headers: Record<string, string>; body: string }
  | { kind: 'reset' }
  | { kind: 'hold' };

export type RequestInterceptor = (request: { method: string; path: string; query: URLSearchParams }) => Promise<FaultKind | void> | FaultKind | void;

export interface PipelineDeps {
  state: FakeState;
  faults: FaultBook;
  limiter: RateLimiter;
  latencyMs(): number;
  /** The test's hook on each request, after the latency: it may wait, change the state, or name a fault to answer with. */
  intercept?: RequestInterceptor;
  record(exchange: RecordedExchange, violations: string[]): void;
}

/** One request through the fake: latency, injected faults, rate limit, routing, auth, handler; all recorded. */
export async function handleRequest(incoming: IncomingRequest, deps: PipelineDeps): Promise<Outcome> {
  const { method, url, headers } = incoming;
  const fullPath = url.pathname;
  const path = fullPath.startsWith(BASE_PATH) ? fullPath.slice(BASE_PATH.length) || '/' : fullPath;
  const contentType = headerValue(headers['content-type']);
  const scriptBody = isScriptBody(contentType);
  const parsed = scriptBody ? { body: undefined, malformed: false } : parseBody(incoming.rawBody);

  const requestViolations = parsed.malformed
    ? [`${method} ${path}: request body is not valid JSON`]
    : isWorkersPath(path)
      ? workersRequestProblems({ method, path, query: url.searchParams, body: parsed.body, rawBody: incoming.rawBody, contentType })
      : validateRequest({ method, path, query: multiQuery(url), body: parsed.body, contentType });
  const exchange: RecordedExchange = {
    method,
    path,
    query: Object.fromEntries(url.searchParams),
    headers: redactedHeaders(headers),
    body: parsed.malformed || scriptBody ? incoming.rawBody : parsed.body,
    status: 0,
    responseBody: undefined,
  };

  const latency = deps.latencyMs();
  if (latency > 0) await sleep(latency);

  const intercepted = await deps.intercept?.({ method, path, query: url.searchParams });
  const fired = intercepted ? { fault: intercepted, afterHandling: false } : deps.faults.take(method, path, url.searchParams);
  if (fired !== undefined && !fired.afterHandling) return injectFault(fired.fault, exchange, requestViolations, deps);

  const authorization = headerValue(headers.authorization);
  const rate = deps.limiter.take(rateKey(authorization));
  if (!rate.allowed) {
    const reply = new ApiError(429, [THROTTLED]).toReply();
    return send(withHeaders(reply, rate.headers), exchange, requestViolations, deps);
  }

  const parts =
    contentType !== undefined && mediaTypeOf(contentType) === 'multipart/form-data'
      ? ((await readMultipart(incoming.rawBody, contentType)) ?? undefined)
      : undefined;
  const ctx: RequestContext = {
    method,
    path,
    fullPath,
    params: {},
    query: url.searchParams,
    body: parsed.body,
    rawBody: incoming.rawBody,
    contentType,
    parts,
    authorization,
    state: deps.state,
  };
  const reply = withHeaders(route(ctx, parsed.malformed), rate.headers);
  if (fired !== undefined) return injectFault(fired.fault, exchange, requestViolations, deps);
  return send(reply, exchange, requestViolations, deps);
}

function route(ctx: RequestContext, malformedBody: boolean): Reply {
  try {
    const match = fullPathIsApi(ctx) ? findRoute(ctx.method, ctx.path) : undefined;
    if (!match) throw notRoutable(ctx.fullPath);
    const routed = { ...ctx, params: match.params };
    if ('raw' in match.route.handler) return match.route.handler.raw(routed);
    const token = authenticate(ctx.state, ctx.authorization);
    if (malformedBody) throw ApiError.of(400, 6007, 'Malformed JSON in request body');
    return match.route.handler.authed({ ...routed, token });
  } catch (error) {
    if (error instanceof ApiError) return error.toReply();
    const message = error instanceof Error ? error.message : String(error);
    return { status: 500, body: failureBody([{ code: 1000, message: `Fake Cloudflare internal error: ${message}` }]) };
  }
}

function injectFault(
  fault: FaultKind,
  exchange: RecordedExchange,
  requestViolations: string[],
  deps: PipelineDeps,
): Outcome {
  if (fault === 'reset' || fault === 'timeout') {
    deps.record(exchange, requestViolations);
    return { kind: fault === 'reset' ? 'reset' : 'hold' };
  }
  if (fault === 'invalid-json') {
    const whole = JSON.stringify({ success: true, errors: [], messages: [], result: { id: 'truncated' } });
    const body = whole.slice(0, Math.floor(whole.length / 2));
    deps.record({ ...exchange, status: 200, responseBody: body }, requestViolations);
    return { kind: 'send', status: 200, headers: jsonHeaders(), body };
  }
  if (fault === 'bad-gateway-html') {
    // Not an API answer at all, so not checked against the API's schema.
    const body = '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>cloudflare</center></body></html>';
    deps.record({ ...exchange, status: 502, responseBody: body }, requestViolations);
    return { kind: 'send', status: 502, headers: { 'content-type': 'text/html' }, body };
  }
  if (fault === 'success-false') {
    // Cloudflare sometimes answers HTTP 200 with success:false; no schema allows it, so it is not checked.
    const body = failureBody([{ code: 1000, message: 'Fake Cloudflare: injected success:false' }]);
    deps.record({ ...exchange, status: 200, responseBody: body }, requestViolations);
    return { kind: 'send', status: 200, headers: jsonHeaders(), body: JSON.stringify(body) };
  }
  const code = fault.code ?? (fault.status === 429 ? THROTTLED.code : 1000);
  const message = fault.message ?? (fault.status === 429 ? THROTTLED.message : (STATUS_CODES[fault.status] ?? 'Error'));
  const headers: Record<string, string> =
    fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
  return send({ status: fault.status, body: failureBody([{ code, message }]), headers }, exchange, requestViolations, deps);
}

function send(reply: Reply, exchange: RecordedExchange, requestViolations: string[], deps: PipelineDeps): Outcome {
  // Workers answers are built by views typed as the SDK's responses (workers-contract.ts).
  const responseViolations = isWorkersPath(exchange.path) ? [] : validateResponse(
    { method: exchange.method, path: exchange.path },
    { status: reply.status, body: reply.body, contentType: 'application/json' },
  ).filter((problem) => !isThrottleCodeDeviation(reply, problem));
  deps.record(
    { ...exchange, status: reply.status, responseBody: structuredClone(reply.body) },
    [...requestViolations, ...responseViolations],
  );
  return { kind: 'send', status: reply.status, headers: { ...jsonHeaders(), ...reply.headers }, body: JSON.stringify(reply.body) };
}

/**
 * Cloudflare throttles with error code 971 although its own schema puts every error code at 1000 or above;
 * the fake answers like Cloudflare and does not count that one known discrepancy as a violation.
 */
function isThrottleCodeDeviation(reply: Reply, problem: string): boolean {
  const errors = (reply.body as { errors?: Array<{ code?: number }> }).errors ?? [];
  return (
    reply.status === 429 &&
    errors.some((e) => e.code === THROTTLED.code) &&
    /\/errors\/\d+\/code must be >= 1000$/.test(problem)
  );
}

function withHeaders(reply: Reply, headers: Record<string, string>): Reply {
  return { ...reply, headers: { ...headers, ...reply.headers } };
}

function jsonHeaders(): Record<string, string> {
  return { 'content-type': 'application/json', 'cf-ray': `${Math.random().toString(16).slice(2, 18)}-FAKE` };
}

function fullPathIsApi(ctx: RequestContext): boolean {
  return ctx.fullPath.startsWith(`${BASE_PATH}/`);
}

/** The rate limit is per token; requests without a usable token share one bucket. */
function rateKey(authorization: string | undefined): string {
  try {
    return `token:${bearerToken(authorization)}`;
  } catch {
    return 'anonymous';
  }
}

/** A Worker script upload: multipart, or the JavaScript body Cloudflare reads as a service-worker script. */
function isScriptBody(contentType: string | undefined): boolean {
  const mediaType = mediaTypeOf(contentType);
  return mediaType === 'multipart/form-data' || mediaType === 'application/javascript';
}

function parseBody(raw: string): { body: unknown; malformed: boolean } {
  if (raw.trim() === '') return { body: undefined, malformed: false };
  try {
    return { body: JSON.parse(raw) as unknown, malformed: false };
  } catch {
    return { body: undefined, malformed: true };
  }
}

function multiQuery(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    out[key] = values.length === 1 ? (values[0] ?? '') : values;
  }
  return out;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

const SECRET_HEADERS = new Set(['authorization', 'x-auth-key', 'x-auth-user-service-key']);

function redactedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = SECRET_HEADERS.has(name) ? '[redacted]' : (headerValue(value) ?? '');
  }
  return out;
}
