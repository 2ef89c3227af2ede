import type { RequestHandler } from 'express';
import type { AdminUsersService } from '../../admin-users/admin-users.service.js';
import type { PanelUser } from './panel-user.js';

/**
 * Reads the logged-in user afresh on every request, so that a changed role or scope counts at once and a
 * deactivated or removed user is logged out even if a session row survived.
 */
export function sessionUserRefresh(users: AdminUsersService): RequestHandler {
  return async (req, _res, next) => {
    const session = req.session as (typeof req.session & { adminUser?: Partial<PanelUser> }) | undefined;
    const id = session?.adminUser?.id;
    if (!session || typeof id !== 'string') return next();
    const user = await users.sessionUser(id);
    if (user) session.adminUser = { ...user, title: user.email };
    else delete session.adminUser;
    next();
  };
}
