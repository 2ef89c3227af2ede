import { promisify } from 'node:util';
import type { CurrentAdmin } from 'adminjs';
import type { Request } from 'express';
import type { AdminUsersService } from '../admin-users/admin-users.service.js';
import type { LoginThrottle } from './login-throttle.js';

export const NO_ADMIN_USER_YET = 'No admin user yet: create one with `maintenance admin create-user <email>`';

/**
 * AdminJS's login check: slowed down per address (LoginThrottle), and on success a new session id, so
 * that a session id planted before the login is worth nothing after it. A thrown message is shown on the
 * login page.
 */
export function adminAuthenticator(users: AdminUsersService, throttle: LoginThrottle) {
  return async (email: string | undefined, password: string | undefined, context?: { req: Request }): Promise<CurrentAdmin | null> => {
    const req = context!.req;
    const address = req.ip ?? 'unknown';
    const waitMs = throttle.waitMs(address);
    if (waitMs > 0) throw new Error(`Too many failed logins from your address: try again in ${Math.ceil(waitMs / 1000)} s.`);
    const user = await users.authenticate(email ?? '', password ?? '');
    if (!user) {
      throttle.failed(address);
      if ((await users.count()) === 0) throw new Error(`${NO_ADMIN_USER_YET}.`);
      return null;
    }
    throttle.succeeded(address);
    await promisify(req.session.regenerate.bind(req.session))();
    return { id: user.id, email: user.email, title: user.email };
  };
}
