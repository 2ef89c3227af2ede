import { requireWorkersAccess, zoneFor } from './auth.js';
import { ApiError, invalidRequest, success } from './envelope.js';
import type { AuthedContext, Handler } from './request-context.js';
import type { FakeWorkerRoute, FakeZone } from './types.js';
import { apiWorkerRoute, type RouteBody, routeBodySchema } from './workers-contract.js';
import { checkRoutePattern } from './workers-route-pattern.js';
import { scriptNotFound } from './workers-scripts.handlers.js';
import { ROUTES_PER_ZONE } from './workers-state.js';

/** Cloudflare's answer to a second route with a pattern the zone already routes (docs/cloudflare-facts.md#workers-routes). */
export const PATTERN_TAKEN = 10020;

export const listRoutes: Handler = (ctx) => {
  const zone = routesZone(ctx, 'read');
  return success(ctx.state.workers.routesOf(zone.id).map(apiWorkerRoute));
};

export const createRoute: Handler = (ctx) => {
  const zone = routesZone(ctx, 'edit');
  const body = routeBody(ctx, zone, undefined);
  if (ctx.state.workers.routesOf(zone.id).length >= ROUTES_PER_ZONE) {
    throw invalidRequest(`a zone holds at most ${ROUTES_PER_ZONE} Worker routes`);
  }
  return success(apiWorkerRoute(ctx.state.workers.insertRoute(zone.id, body)));
};

export const getRoute: Handler = (ctx) => success(apiWorkerRoute(routeOf(ctx, routesZone(ctx, 'read'))));

/** `PUT …/routes/{id}`: the body is the whole route; a `script` left out makes it a route without a Worker. */
export const updateRoute: Handler = (ctx) => {
  const zone = routesZone(ctx, 'edit');
  const route = routeOf(ctx, zone);
  return success(apiWorkerRoute(ctx.state.workers.replaceRoute(route, routeBody(ctx, zone, route))));
};

export const deleteRoute: Handler = (ctx) => {
  const zone = routesZone(ctx, 'edit');
  const route = routeOf(ctx, zone);
  ctx.state.workers.deleteRoute(zone.id, route.id);
  return success({ id: route.id });
};

/**
 * A body of the SDK's shape with a valid pattern of the zone, not already routed by another route, and a
 * script the zone's account has. Checked whole before anything changes.
 */
function routeBody(ctx: AuthedContext, zone: FakeZone, self: FakeWorkerRoute | undefined): RouteBody {
  const parsed = routeBodySchema.safeParse(ctx.body);
  if (!parsed.success) {
    throw invalidRequest(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; '));
  }
  const body = parsed.data;
  checkRoutePattern(body.pattern, zone.name);
  if (ctx.state.workers.routesOf(zone.id).some((r) => r !== self && r.pattern === body.pattern)) {
    throw ApiError.of(409, PATTERN_TAKEN, 'A route with the same pattern already exists');
  }
  if (body.script !== undefined && !ctx.state.workers.script(zone.accountId, body.script)) throw scriptNotFound(400);
  return body;
}

function routesZone(ctx: AuthedContext, need: 'read' | 'edit'): FakeZone {
  const zone = zoneFor(ctx.state, ctx.token, ctx.params.zone_id ?? '', ctx.fullPath);
  requireWorkersAccess(ctx.token, 'routes', need);
  return zone;
}

function routeOf(ctx: AuthedContext, zone: FakeZone): FakeWorkerRoute {
  const route = ctx.state.workers.route(zone.id, ctx.params.route_id ?? '');
  if (!route) throw ApiError.of(404, 10007, 'workers.api.error.route_not_found');
  return route;
}
