import { promisify } from 'node:util';
import type { CurrentAdmin } from 'adminjs';
import type { Request } from 'express';
import type { AdminUsersService } from '../admin-users/admin-users.service.js';
import type { LoginThrottle } from './login-throttle.js';

export const NO_ADMIN_USER_YET = 'No admin user yet: create one with `maintenance admin create-user <email>`';

/**
 * AdminJS's login check: slowed down per address (LoginThrottle, which counts the attempt before the
 * password is hashed), and on success a new session id, so that a session id planted before the login is
 * worth nothing after it. A thrown message is shown on the login page (with status 400).
 */
export function adminAuthenticator(users: AdminUsersService, throttle: LoginThrottle) {
  return async (email: unknown, password: unknown, context?: { req: Request }): Promise<CurrentAdmin | null> => {
    if (!isText(email) || !isText(password)) throw new Error('The e-mail address and the password must be sent as text.');
    const req = context!.req;
    const address = req.ip ?? 'unknown';
    const waitMs = await throttle.reserve(address);
    if (waitMs > 0) throw new Error(`Too many failed logins from your address: try again in ${Math.ceil(waitMs / 1000)} s.`);
    const user = await users.authenticate(email ?? '', password ?? '');
    if (!user) {
      if ((await users.count()) === 0) throw new Error(`${NO_ADMIN_USER_YET}.`);
      return null;
    }
    await throttle.succeeded(address);
    await promisify(req.session.regenerate.bind(req.session))();
    return { id: user.id, email: user.email, title: user.email, role: user.role, scope: user.scope };
  };
}

function isText(value: unknown): value is string | undefined {
  return value === undefined || typeof value === 'string';
}
