import express, { type Router } from 'express';
import { ADMIN_ROOT_PATH } from '../admin-users/admin-panel-url.js';
import { SESSION_COOKIE } from './admin-session.js';

const LOGIN_PATH = `${ADMIN_ROOT_PATH}/login`;

const CONFIRMATION_PAGE = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Log out · Cloudflare maintenance</title>
<style>body{font-family:system-ui,sans-serif;margin:4rem auto;max-width:28rem}button{font-size:1rem;padding:.5rem 1.25rem}</style></head>
<body>
<h1>Log out?</h1>
<form method="post" action="${ADMIN_ROOT_PATH}/logout">
  <button type="submit">Log out</button>
  <a href="${ADMIN_ROOT_PATH}">Back to the panel</a>
</form>
</body>
</html>
`;

/**
 * Logging out ends the session, so it is a POST (under the panel's origin check), never a GET that any page
 * could trigger with a link or an image: the GET that AdminJS's "Log out" link sends shows a confirmation
 * whose button posts. Mounted before AdminJS, which would log out on the GET.
 */
export function logoutRoutes(): Router {
  const router = express.Router();
  router.get('/logout', (req, res) => {
    if (!(req.session as { adminUser?: unknown } | undefined)?.adminUser) return res.redirect(LOGIN_PATH);
    res.type('html').send(CONFIRMATION_PAGE);
  });
  router.post('/logout', (req, res, next) => {
    req.session.destroy((error) => {
      if (error) return next(error);
      res.clearCookie(SESSION_COOKIE, { path: ADMIN_ROOT_PATH });
      res.redirect(302, LOGIN_PATH);
    });
  });
  return router;
}
