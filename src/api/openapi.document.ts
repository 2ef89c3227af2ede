import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ACTIONS, type Action } from '../access/roles.js';
import {
  AuditPageSchema,
  AuditQuery,
  DomainParam,
  EnableBody,
  ExtendBody,
  ExtendedSchema,
  MaintenanceChangeSchema,
  OperationBody,
  OperationIdParam,
  OperationSchema,
  ProblemSchema,
  ScheduleCreateBody,
  ScheduleIdParam,
  ScheduleListQuery,
  ScheduleListSchema,
  ScheduleSchema,
  ScheduleUpdateBody,
  SiteDetailSchema,
  SiteListQuery,
  SiteListSchema,
  SiteShowQuery,
} from './api-schemas.js';
import { PROBLEM_CODES, PROBLEM_CONTENT_TYPE } from './problem.js';

interface ApiRoute {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** OpenAPI's form, under /api/v1. */
  path: string;
  summary: string;
  action: Action;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  success: { status: 200 | 201 | 202; description: string; schema: z.ZodType };
}

/** Every route of /api/v1 behind a token, with the action of the permission model it needs. */
export const API_ROUTES: ApiRoute[] = [
  {
    method: 'get',
    path: '/sites',
    summary: "List the sites in the token's scope, filtered as the CLI's selectors, a page at a time",
    action: 'read',
    query: SiteListQuery,
    success: { status: 200, description: 'a page of sites', schema: SiteListSchema },
  },
  {
    method: 'get',
    path: '/sites/{domain}',
    summary: 'One site and its maintenance status; with live=true, the rules in Cloudflare and any drift',
    action: 'read',
    params: DomainParam,
    query: SiteShowQuery,
    success: { status: 200, description: 'the site', schema: SiteDetailSchema },
  },
  {
    method: 'post',
    path: '/sites/{domain}/maintenance',
    summary: 'Put the site into maintenance, until disabled or for a set time (idempotent: changed is false when it already was)',
    action: 'operate',
    params: DomainParam,
    body: EnableBody,
    success: { status: 200, description: 'the site after the change', schema: MaintenanceChangeSchema },
  },
  {
    method: 'delete',
    path: '/sites/{domain}/maintenance',
    summary: 'Take the site out of maintenance (idempotent: changed is false when it was not in it)',
    action: 'operate',
    params: DomainParam,
    success: { status: 200, description: 'the site after the change', schema: MaintenanceChangeSchema },
  },
  {
    method: 'post',
    path: '/sites/{domain}/maintenance/extend',
    summary: "Lengthen the set time of the site's active maintenance window",
    action: 'operate',
    params: DomainParam,
    body: ExtendBody,
    success: { status: 200, description: 'the window with its new end', schema: ExtendedSchema },
  },
  {
    method: 'post',
    path: '/operations',
    summary: 'Start enable, disable or sync over many sites; follow it with GET /operations/{id}',
    action: 'operate',
    body: OperationBody,
    success: { status: 202, description: 'the operation, queued', schema: OperationSchema },
  },
  {
    method: 'get',
    path: '/operations/{id}',
    summary: "An operation's progress and the outcome of each site",
    action: 'read',
    params: OperationIdParam,
    success: { status: 200, description: 'the operation', schema: OperationSchema },
  },
  {
    method: 'get',
    path: '/schedules',
    summary: "The maintenance windows of the token's sites not finished yet, soonest first (all=true: every one)",
    action: 'read',
    query: ScheduleListQuery,
    success: { status: 200, description: 'the windows', schema: ScheduleListSchema },
  },
  {
    method: 'post',
    path: '/schedules',
    summary: 'Plan a maintenance window (once, or recurring)',
    action: 'operate',
    body: ScheduleCreateBody,
    success: { status: 201, description: 'the window', schema: ScheduleSchema },
  },
  {
    method: 'get',
    path: '/schedules/{id}',
    summary: 'One maintenance window and how each of its sites fared',
    action: 'read',
    params: ScheduleIdParam,
    success: { status: 200, description: 'the window', schema: ScheduleSchema },
  },
  {
    method: 'patch',
    path: '/schedules/{id}',
    summary: 'Change a window (an active one: its end, title, description and message only)',
    action: 'operate',
    params: ScheduleIdParam,
    body: ScheduleUpdateBody,
    success: { status: 200, description: 'the window', schema: ScheduleSchema },
  },
  ...(['cancel', 'start', 'end'] as const).map(
    (verb): ApiRoute => ({
      method: 'post',
      path: `/schedules/{id}/${verb}`,
      summary: { cancel: 'Cancel a window', start: 'Start a scheduled window now', end: 'End an active window now' }[verb],
      action: 'operate',
      params: ScheduleIdParam,
      success: { status: 200, description: 'the window afterwards', schema: ScheduleSchema },
    }),
  ),
  {
    method: 'get',
    path: '/audit-log',
    summary: "The audit log of the token's sites, newest first, filtered and a page at a time",
    action: 'read',
    query: AuditQuery,
    success: { status: 200, description: 'a page of audit rows', schema: AuditPageSchema },
  },
];

/** The problem statuses a route can answer besides its success. */
function errorStatuses(route: ApiRoute): number[] {
  const statuses = new Set([400, 401, 403, 404, 429, 500]);
  if (route.method !== 'get' || route.path.endsWith('{domain}')) [409, 422, 502].forEach((status) => statuses.add(status));
  if (route.body) [413, 415].forEach((status) => statuses.add(status));
  return [...statuses].sort();
}

function problemDescription(status: number): string {
  return Object.entries(PROBLEM_CODES)
    .filter(([, entry]) => entry.status === status)
    .map(([code, entry]) => `${code}: ${entry.title}`)
    .join('; ');
}

let generated: object | undefined;

/** The OpenAPI 3.1 document of /api/v1, generated once from the routes and schemas above. */
export function openApiDocument(): object {
  if (generated) return generated;
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'token', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token from `maintenance api-tokens create` (cfm_…)',
  });
  for (const route of API_ROUTES) {
    const responses: Record<string, object> = {
      [route.success.status]: { description: route.success.description, content: { 'application/json': { schema: route.success.schema } } },
    };
    for (const status of errorStatuses(route)) {
      responses[status] = {
        description: problemDescription(status),
        content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
        ...(status === 429 ? { headers: { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer' } } } } : {}),
      };
    }
    registry.registerPath({
      method: route.method,
      path: `/api/v1${route.path}`,
      summary: route.summary,
      description: `Needs the ${ACTIONS[route.action]} role or above.`,
      security: [{ [bearer.name]: [] }],
      request: {
        params: route.params,
        query: route.query,
        body: route.body ? { required: false, content: { 'application/json': { schema: route.body } } } : undefined,
      },
      responses,
      'x-required-role': ACTIONS[route.action],
    });
  }
  registry.registerPath({
    method: 'get',
    path: '/api/v1/openapi.json',
    summary: 'This document',
    responses: { 200: { description: 'the OpenAPI 3.1 document', content: { 'application/json': { schema: z.object({}).passthrough() } } } },
  });
  generated = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'cloudflare-maintenance API',
      version: '1',
      description: 'Put Cloudflare sites into maintenance and take them out again, from a deploy pipeline. Errors are RFC 9457 problems.',
    },
  });
  return generated;
}
