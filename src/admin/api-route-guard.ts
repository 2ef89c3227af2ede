import type AdminJS from 'adminjs';
import type { CurrentAdmin } from 'adminjs';
import type { RequestHandler } from 'express';
import { type PermissionLookup } from './access/guarded-resources.js';
import { panelUserOf, permits } from './access/panel-user.js';
import { AdminRequestError } from './request-errors.js';

// /api/resources/{resourceId}[/actions/{action}[/{query}] | /records/{recordId}/{action} | /bulk/{action} | /search[/{query}]]
const API_ROUTE = /^\/api\/resources\/([^/]+)(?:\/(actions|records|bulk|search)(?:\/([^/]+))?(?:\/([^/]+))?)?\/?$/;

/**
 * Answers an API call naming a resource or action the panel does not have with 404, and opening a record
 * form's action (new) with GET with 400, where AdminJS would fail with a 500 and a stack trace. After the
 * login check only: without a session, AdminJS sends every request to the login page.
 *
 * Also the server-side half of the permission model: an action the user's role or scope does not allow is
 * refused with 403 before AdminJS runs anything (whose own isAccessible check would come after `before` hooks,
 * and answer 200 with a notice).
 */
export function apiRouteGuard(admin: AdminJS, permissionOf: PermissionLookup): RequestHandler {
  return (req, _res, next) => {
    const currentAdmin = (req.session as { adminUser?: CurrentAdmin } | undefined)?.adminUser;
    const match = currentAdmin ? API_ROUTE.exec(req.path) : null;
    if (!match) return next();
    const [, resourceId, kind, first, second] = match.map(decoded);
    const resource = admin.resources.find((candidate) => candidate.decorate().id() === resourceId);
    if (!resource) throw new AdminRequestError(404, `The panel has no resource "${resourceId}".`);
    const actionName = kind === 'records' ? second : kind === 'search' ? 'search' : first;
    if (actionName === undefined) return next();
    if (!resource.decorate().actions[actionName]) throw new AdminRequestError(404, `${resourceId} has no action "${actionName}".`);
    if (!permits(currentAdmin, permissionOf(resourceId!, actionName))) {
      const role = panelUserOf(currentAdmin)?.role ?? 'no role';
      throw new AdminRequestError(403, `Your role (${role}) or your sites do not allow "${actionName}" on ${resourceId}.`);
    }
    if (actionName === 'new' && req.method === 'GET') throw new AdminRequestError(400, 'A record is created with a POST of its form.');
    next();
  };
}

function decoded(part: string | undefined): string | undefined {
  try {
    return part === undefined ? undefined : decodeURIComponent(part);
  } catch {
    throw new AdminRequestError(400, 'The address holds a malformed %-escape.');
  }
}
