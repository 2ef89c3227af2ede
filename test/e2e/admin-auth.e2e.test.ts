import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { loginError } from '../support/admin-client.js';
import { ADMIN_USER, adminSuite } from '../support/admin-suite.js';
import { startServer } from '../support/run-server.js';
import { givenSite } from '../support/scenario.js';

const suite = adminSuite();

/** Every route AdminJS defines, asked of AdminJS itself (in a child process: it is ESM with heavy imports). */
async function adminJsRoutes(): Promise<{ method: string; path: string }[]> {
  const script = "const { Router } = await import('adminjs'); console.log(JSON.stringify(Router.routes.map(({ method, path }) => ({ method, path }))));";
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd() });
  return JSON.parse(stdout);
}

function fill(path: string, recordId: string): string {
  return `/admin${path}`
    .replace('{resourceId}', 'CloudflareSite')
    .replace('{recordId}', recordId)
    .replace('{action}', 'enableMaintenance')
    .replace('{pageName}', 'any')
    .replace('{query}', 'example');
}

describe('admin panel access', () => {
  it('sends every request without a session to the login page, whatever the route and method, and changes nothing', async () => {
    const { site } = await givenSite(suite.ctx, suite.fake, 'guarded.com');
    const routes = await adminJsRoutes();
    expect(routes.length).toBeGreaterThan(15);
    const before = await suite.dataSnapshot();
    const anonymous = suite.anonymous();

    // The components bundle is public on purpose: it is static code the login page loads too.
    const guarded = routes.filter((route) => !route.path.includes('components.bundle.js'));
    for (const route of guarded) {
      const path = fill(route.path, site.id) + (route.path.includes('/bulk/') ? `?recordIds=${site.id}` : '');
      for (const method of ['GET', 'POST']) {
        const response = await anonymous.request(path, method === 'POST' ? { method, body: JSON.stringify({ reason: 'x' }), headers: { 'content-type': 'application/json' } } : {});
        expect({ method, path, status: response.status, location: response.headers.get('location') }).toEqual({
          method,
          path,
          status: 302,
          location: '/admin/login',
        });
      }
    }
    expect(anonymous.sessionCookie).toBeUndefined();
    expect(await suite.dataSnapshot()).toEqual(before);
    expect(suite.fake.pageRules(site.zoneId!)).toEqual([]);
  });

  it('logs in with a session stored in PostgreSQL behind an httpOnly, SameSite=Lax, Secure cookie, renewed at each login', async () => {
    const client = suite.anonymous();
    const refused = await client.login(ADMIN_USER.email, 'not the password', { 'x-forwarded-for': '198.51.100.1' });
    expect(refused.status).toBe(200);
    expect(loginError(refused.text)).toBe('invalidCredentials');
    expect(refused.headers.get('set-cookie')).toBeNull();

    const first = await client.login(ADMIN_USER.email.toUpperCase(), ADMIN_USER.password, { 'x-forwarded-for': '198.51.100.1' });
    expect(first.status).toBe(302);
    expect(first.headers.get('location')).toBe('/admin');
    const cookie = first.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^cfm_admin=s%3A[^;]+; Path=\/admin; Expires=[^;]+; HttpOnly; Secure; SameSite=Lax$/);
    const [session] = await suite.db.dataSource.query(`SELECT sess FROM admin_sessions WHERE sess::jsonb -> 'adminUser' ->> 'email' = $1`, [ADMIN_USER.email]);
    expect(session.sess.adminUser).toEqual({
      id: expect.any(String),
      email: ADMIN_USER.email,
      title: ADMIN_USER.email,
      role: 'admin',
      scope: { domains: [], apiKeyIds: [] },
    });
    expect((await client.request('/admin/api/resources/CloudflareSite/actions/list')).status).toBe(200);

    // A second login from the same browser gets a new session id; the old one is worth nothing.
    const firstCookie = client.sessionCookie;
    expect((await client.login(ADMIN_USER.email, ADMIN_USER.password, { 'x-forwarded-for': '198.51.100.1' })).status).toBe(302);
    expect(client.sessionCookie).not.toBe(firstCookie);
    const stale = suite.anonymous();
    stale.useCookie(firstCookie);
    expect((await stale.request('/admin/api/resources/CloudflareSite/actions/list')).status).toBe(302);

    const logout = await client.request('/admin/logout', { method: 'POST' });
    expect(logout.headers.get('location')).toBe('/admin/login');
    expect((await client.request('/admin/api/resources/CloudflareSite/actions/list')).status).toBe(302);
  });

  it('slows down repeated failed logins from one address, even for the right password, and not other addresses', async () => {
    const attacker = { 'x-forwarded-for': '203.0.113.66' };
    const client = suite.anonymous();
    for (let attempt = 0; attempt < 6; attempt += 1) {
      expect(loginError((await client.login(ADMIN_USER.email, `guess ${attempt} wrong`, attacker)).text)).toBe('invalidCredentials');
    }

    const blocked = await client.login(ADMIN_USER.email, ADMIN_USER.password, attacker);
    expect(blocked.status).toBe(400);
    expect(loginError(blocked.text)).toBe('Too many failed logins from your address: try again in 1 s.');

    expect((await suite.anonymous().login(ADMIN_USER.email, ADMIN_USER.password, { 'x-forwarded-for': '203.0.113.67' })).status).toBe(302);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await client.login(ADMIN_USER.email, ADMIN_USER.password, attacker)).status).toBe(302);
  });

  it('refuses a state-changing request sent from another origin, even with a valid session', async () => {
    const { site } = await givenSite(suite.ctx, suite.fake, 'cross-origin.com');

    const forged = await suite.client.request(`/admin/api/resources/CloudflareSite/records/${site.id}/enableMaintenance`, {
      method: 'POST',
      body: JSON.stringify({ reason: 'forged' }),
      headers: { 'content-type': 'application/json', origin: 'https://evil.example.net' },
    });

    expect(forged.status).toBe(403);
    expect(suite.fake.pageRules(site.zoneId!)).toEqual([]);
    expect((await suite.ctx.maintenance.getStatus(site)).state).toBe('off');
  });

  it('forbids framing and caching, and refuses an oversized body before anything parses it', async () => {
    const page = await suite.anonymous().request('/admin/login');
    expect(Object.fromEntries(['x-frame-options', 'content-security-policy', 'cache-control'].map((name) => [name, page.headers.get(name)]))).toEqual({
      'x-frame-options': 'DENY',
      'content-security-policy': "frame-ancestors 'none'",
      'cache-control': 'no-store',
    });

    const huge = JSON.stringify({ email: ADMIN_USER.email, password: 'x'.repeat(2 * 1024 * 1024) });
    const refused = await suite.anonymous().request('/admin/login', { method: 'POST', body: huge, headers: { 'content-type': 'application/json' } });
    expect(refused.status).toBe(413);
  });

  it('does not start without SESSION_SECRET on PostgreSQL, naming it', async () => {
    await expect(startServer({ ...suite.env, SESSION_SECRET: '' })).rejects.toThrow(
      /Could not start: Invalid configuration in the environment:\n {2}SESSION_SECRET: is required when DATABASE_URL is set/,
    );
  });
});
