import type { RouteCreateParams, RouteListResponse, RouteUpdateParams } from 'cloudflare/resources/workers/routes';
import type { ScriptListResponse, ScriptSetting, ScriptUpdateResponse } from 'cloudflare/resources/workers/scripts/scripts';
import type { SubdomainCreateParams, SubdomainCreateResponse, SubdomainGetResponse } from 'cloudflare/resources/workers/scripts/subdomain';
import { z } from 'zod';
import { matchTemplate } from '../path-template.js';
import type { FakeWorkerRoute, FakeWorkerScript } from './types.js';

/**
 * The Workers API as the fake holds our requests to it. The OpenAPI subset has no Workers endpoints, so the
 * contract is the SDK's TypeScript types (`cloudflare/resources/workers/...`): the request bodies below are zod
 * schemas that must stay identical to the SDK's params (checked at compile time, at the end of this file), and
 * the fake's answers are built by views typed as the SDK's responses, so an invented field does not compile.
 */

/** `RouteCreateParams` / `RouteUpdateParams` without the path's `zone_id`: nothing else is accepted. */
export const routeBodySchema = z.strictObject({ pattern: z.string(), script: z.string().optional() });
export type RouteBody = z.infer<typeof routeBodySchema>;

/** `SubdomainCreateParams` without the path's `account_id`. */
export const workersDevBodySchema = z.strictObject({ enabled: z.boolean(), previews_enabled: z.boolean().optional() });
export type WorkersDevBody = z.infer<typeof workersDevBodySchema>;

interface WorkersOperation {
  method: string;
  template: string;
  query: string[];
  body?: 'route' | 'workers-dev' | 'multipart';
}

const OPERATIONS: WorkersOperation[] = [
  { method: 'GET', template: '/accounts/{account_id}/workers/scripts', query: ['tags'] },
  { method: 'PUT', template: '/accounts/{account_id}/workers/scripts/{script_name}', query: ['bindings_inherit'], body: 'multipart' },
  { method: 'DELETE', template: '/accounts/{account_id}/workers/scripts/{script_name}', query: ['force'] },
  { method: 'GET', template: '/accounts/{account_id}/workers/scripts/{script_name}/script-settings', query: [] },
  { method: 'GET', template: '/accounts/{account_id}/workers/scripts/{script_name}/subdomain', query: [] },
  { method: 'POST', template: '/accounts/{account_id}/workers/scripts/{script_name}/subdomain', query: [], body: 'workers-dev' },
  { method: 'GET', template: '/zones/{zone_id}/workers/routes', query: [] },
  { method: 'POST', template: '/zones/{zone_id}/workers/routes', query: [], body: 'route' },
  { method: 'GET', template: '/zones/{zone_id}/workers/routes/{route_id}', query: [] },
  { method: 'PUT', template: '/zones/{zone_id}/workers/routes/{route_id}', query: [], body: 'route' },
  { method: 'DELETE', template: '/zones/{zone_id}/workers/routes/{route_id}', query: [] },
];

export function isWorkersPath(path: string): boolean {
  return /^\/(accounts\/[^/]+|zones\/[^/]+)\/workers(\/|$)/.test(path);
}

/** What is wrong with a request to a Workers endpoint, by the SDK's types (the OpenAPI check's counterpart). */
export function workersRequestProblems(request: {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  rawBody: string;
  contentType: string | undefined;
}): string[] {
  const path = request.path.replace(/\/+$/, '');
  const operation = OPERATIONS.find((op) => op.method === request.method && matchTemplate(op.template, path));
  if (!operation) return [`${request.method} ${request.path}: not a Workers operation of the SDK`];
  const where = `${operation.method} ${operation.template}`;
  const problems = [...new Set(request.query.keys())]
    .filter((name) => !operation.query.includes(name))
    .map((name) => `${where}: query parameter "${name}" is not declared`);
  const mediaType = request.contentType?.split(';')[0]?.trim().toLowerCase();
  if (operation.body === 'multipart') {
    if (mediaType !== 'multipart/form-data') {
      problems.push(`${where}: request content-type "${request.contentType ?? ''}" is not multipart/form-data (the shape of cloudflare-typescript#2799)`);
    }
  } else if (operation.body === 'route' || operation.body === 'workers-dev') {
    if (mediaType !== 'application/json') problems.push(`${where}: request content-type "${request.contentType ?? ''}" is not application/json`);
    const parsed = (operation.body === 'route' ? routeBodySchema : workersDevBodySchema).safeParse(request.body);
    if (!parsed.success) {
      problems.push(...parsed.error.issues.map((issue) => `${where} request body ${issue.path.join('.') || '(root)'}: ${issue.message}`));
    }
  } else if (request.rawBody !== '') {
    problems.push(`${where}: the operation takes no request body`);
  }
  return problems;
}

/** A route as every route operation of the SDK returns it. */
export function apiWorkerRoute(route: FakeWorkerRoute): RouteListResponse {
  return route.script === undefined ? { id: route.id, pattern: route.pattern } : { id: route.id, pattern: route.pattern, script: route.script };
}

export function apiWorkersDev(script: FakeWorkerScript): SubdomainGetResponse & SubdomainCreateResponse {
  return { enabled: script.workersDev.enabled, previews_enabled: script.workersDev.previewsEnabled };
}

export function apiScriptSetting(script: FakeWorkerScript): ScriptSetting {
  return { logpush: false, tags: [...script.tags], tail_consumers: null };
}

export function apiScriptListItem(script: FakeWorkerScript): ScriptListResponse {
  return { ...scriptFields(script), routes: null };
}

export function apiScriptUpload(script: FakeWorkerScript): ScriptUpdateResponse {
  return { ...scriptFields(script), entry_point: script.mainModule, startup_time_ms: 1 };
}

type ScriptFields = Pick<
  ScriptListResponse & ScriptUpdateResponse,
  | 'id'
  | 'created_on'
  | 'modified_on'
  | 'etag'
  | 'compatibility_date'
  | 'compatibility_flags'
  | 'has_modules'
  | 'has_assets'
  | 'handlers'
  | 'logpush'
  | 'tags'
  | 'usage_model'
>;

function scriptFields(script: FakeWorkerScript): ScriptFields {
  return {
    id: script.name,
    created_on: script.createdOn,
    modified_on: script.modifiedOn,
    etag: script.etag,
    ...(script.compatibilityDate === null ? {} : { compatibility_date: script.compatibilityDate }),
    compatibility_flags: [],
    has_modules: true,
    has_assets: false,
    handlers: ['fetch'],
    logpush: false,
    tags: [...script.tags],
    usage_model: 'standard',
  };
}

/** True only when A and B are the same type (not merely assignable). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Holds<T extends true> = T;

/**
 * Fails to compile when the SDK's route params change (a field added, removed or retyped): the fake would then
 * check our requests against a shape the SDK no longer sends, and must be brought up to date with it.
 */
export type WorkersContractChecks = [
  Holds<Same<RouteBody, Omit<RouteCreateParams, 'zone_id'>>>,
  Holds<Same<RouteBody, Omit<RouteUpdateParams, 'zone_id'>>>,
  Holds<Same<WorkersDevBody, Omit<SubdomainCreateParams, 'account_id'>>>,
];
