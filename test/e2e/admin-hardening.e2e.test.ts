import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request as httpRequest } from 'node:http';
import { AdminUsersService } from '../../src/admin-users/admin-users.service.js';
import { AdminClient, loginError } from '../support/admin-client.js';
import { ADMIN_USER, adminSuite } from '../support/admin-suite.js';
import { runCli } from '../support/run-cli.js';
import { startServer, type RunningServer } from '../support/run-server.js';
import { givenSite } from '../support/scenario.js';
import { TEST_PUBLIC_URL } from '../support/test-context.js';

let local: RunningServer;
// Declared before the suite's teardown, which drops the database this server uses.
afterAll(async () => {
  await local?.stop();
});
const suite = adminSuite();

/** A raw HTTP request, for what fetch will not send: a Host header of the attacker's choosing. */
function rawRequest(url: string, { method, headers, body }: { method: string; headers: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const target = new URL(url);
    const req = httpRequest({ host: target.hostname, port: target.port, path: target.pathname, method, headers }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function loggedIn(email: string, password: string, address: string): Promise<AdminClient> {
  const client = suite.anonymous();
  expect((await client.login(email, password, { 'x-forwarded-for': address })).status).toBe(302);
  return client;
}

async function hasSession(client: AdminClient): Promise<boolean> {
  return (await client.request('/admin/api/resources/CloudflareSite/actions/list')).status === 200;
}

describe('malformed admin API input', () => {
  it('is answered 400 or 404 with a short message, and leaves no stack trace in the log', async () => {
    const { site } = await givenSite(suite.ctx, suite.fake, 'malformed.com');
    const logFrom = suite.server.output().length;
    const api = '/admin/api/resources';

    const answers = [];
    for (const path of [
      `${api}/MaintenanceLog/actions/list?filters.createdAt~~from=garbage`,
      `${api}/CloudflareSite/actions/list?page=-5`,
      `${api}/CloudflareSite/actions/list?perPage=-1`,
      `${api}/CloudflareSite/actions/list?sortBy=__proto__`,
      `${api}/CloudflareSite/bulk/bulkEnable?recordIds=not-a-uuid`,
      `${api}/CloudflareSite/actions/new`,
      `${api}/CloudflareApiKey/actions/new`,
      `${api}/NoSuchResource/actions/list`,
      `${api}/CloudflareSite/records/${site.id}/noSuchAction`,
      `${api}/Cloudflare%E0%A4%A/actions/list`,
    ]) {
      const { status, text } = await suite.client.request(path);
      answers.push({ path, status, message: JSON.parse(text).message });
    }
    const login = await suite.anonymous().request('/admin/login', {
      method: 'POST',
      body: JSON.stringify({ email: ADMIN_USER.email, password: { normalize: 1 } }),
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.80' },
    });

    expect(answers.map(({ status, message }) => ({ status, message }))).toEqual([
      { status: 400, message: 'Invalid date "garbage" in the createdAt filter: expected e.g. 2026-12-01 or 2026-12-01T14:00:00Z.' },
      { status: 400, message: 'page must be a whole number, 1 or more.' },
      { status: 400, message: 'perPage must be a whole number from 1 to 500.' },
      { status: 400, message: 'Cannot sort by "__proto__": it is not a property of CloudflareSite.' },
      { status: 404, message: 'record with given id: "not-a-uuid" cannot be found in resource "CloudflareSite"' },
      { status: 400, message: 'A record is created with a POST of its form.' },
      { status: 400, message: 'A record is created with a POST of its form.' },
      { status: 404, message: 'The panel has no resource "NoSuchResource".' },
      { status: 404, message: 'CloudflareSite has no action "noSuchAction".' },
      { status: 400, message: 'The address holds a malformed %-escape.' },
    ]);
    expect(login.status).toBe(400);
    expect(loginError(login.text)).toBe('The e-mail address and the password must be sent as text.');
    const log = suite.server.output().slice(logFrom);
    expect(log).not.toMatch(/ERROR|\n\s+at /);
  });
});

describe('logout', () => {
  it('is a POST under the origin check; a GET only shows the confirmation', async () => {
    const client = await loggedIn(ADMIN_USER.email, ADMIN_USER.password, '198.51.100.81');

    const confirmation = await client.request('/admin/logout');
    expect(confirmation.status).toBe(200);
    expect(confirmation.text).toMatch(/<form method="post" action="\/admin\/logout">\s*<button type="submit">Log out<\/button>/);
    expect(await hasSession(client)).toBe(true);

    const forged = await client.request('/admin/logout', { method: 'POST', headers: { origin: 'https://evil.example.net' } });
    expect(forged.status).toBe(403);
    expect(await hasSession(client)).toBe(true);

    const sessionsBefore = await suite.db.dataSource.query(`SELECT count(*)::int AS n FROM admin_sessions`);
    const logout = await client.request('/admin/logout', { method: 'POST', headers: { origin: TEST_PUBLIC_URL } });
    expect({ status: logout.status, location: logout.headers.get('location') }).toEqual({ status: 302, location: '/admin/login' });
    expect(logout.headers.get('set-cookie')).toMatch(/^cfm_admin=; Path=\/admin; Expires=Thu, 01 Jan 1970/);
    expect(await suite.db.dataSource.query(`SELECT count(*)::int AS n FROM admin_sessions`)).toEqual([{ n: sessionsBefore[0].n - 1 }]);
    expect(await hasSession(client)).toBe(false);
  });
});

describe('origin check', () => {
  beforeAll(async () => {
    const { PUBLIC_URL: _publicUrl, ...withoutPublicUrl } = suite.env;
    local = await startServer(withoutPublicUrl);
  });

  it('with PUBLIC_URL trusts only its origin, not whatever Host the request names (DNS rebinding)', async () => {
    const { site } = await givenSite(suite.ctx, suite.fake, 'rebinding.com');

    const rebound = await rawRequest(`${suite.server.url}/admin/api/resources/CloudflareSite/records/${site.id}/enableMaintenance`, {
      method: 'POST',
      headers: {
        host: 'evil.test',
        origin: 'https://evil.test',
        'x-forwarded-proto': 'https',
        cookie: suite.client.sessionCookie!,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ reason: 'rebound' }),
    });

    expect(rebound).toEqual({ status: 403, text: 'Cross-origin request refused.' });
    expect(suite.fake.pageRules(site.zoneId!)).toEqual([]);
    const ours = await suite.client.request('/admin/login', { method: 'POST', headers: { origin: TEST_PUBLIC_URL } });
    expect(ours.status).not.toBe(403);
  });

  it('without PUBLIC_URL trusts only a loopback origin that the request was sent to', async () => {
    const port = new URL(local.url).port;
    const post = (host: string, origin: string) =>
      rawRequest(`${local.url}/admin/login`, {
        method: 'POST',
        headers: { host, origin, 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.82' },
        body: JSON.stringify({ email: 'nobody@example.com', password: 'not the password' }),
      });

    const answers = {
      rebound: (await post('evil.test', 'http://evil.test')).status,
      reboundWithPort: (await post(`evil.test:${port}`, `http://evil.test:${port}`)).status,
      otherOrigin: (await post(`127.0.0.1:${port}`, 'http://evil.test')).status,
      ipv4: (await post(`127.0.0.1:${port}`, `http://127.0.0.1:${port}`)).status,
      localhost: (await post(`localhost:${port}`, `http://localhost:${port}`)).status,
    };

    expect(answers).toEqual({ rebound: 403, reboundWithPort: 403, otherOrigin: 403, ipv4: 200, localhost: 200 });
  });

  it('answers without X-Powered-By', async () => {
    const anonymous = suite.anonymous();
    const answers = await Promise.all(['/admin/login', '/health', '/maintenance?site=example.com', '/admin/api/resources'].map((path) => anonymous.request(path)));
    expect(answers.map((answer) => answer.headers.get('x-powered-by'))).toEqual([null, null, null, null]);
  });
});

describe('ending admin sessions from the CLI', () => {
  const other = { email: 'second@example.com', password: 'another long passphrase' };

  beforeAll(async () => {
    await new AdminUsersService(suite.db.dataSource).create(other);
  });

  it('revoke-sessions ends every session of that user and no other', async () => {
    const [first, second] = [await loggedIn(other.email, other.password, '198.51.100.83'), await loggedIn(other.email, other.password, '198.51.100.84')];

    const revoked = await runCli(['admin', 'revoke-sessions', other.email], { env: suite.env });

    expect(revoked).toEqual({ code: 0, stdout: `Ended 2 session(s) of ${other.email}; the user must log in again.\n`, stderr: '' });
    expect([await hasSession(first), await hasSession(second), await hasSession(suite.client)]).toEqual([false, false, true]);
    expect((await loggedIn(other.email, other.password, '198.51.100.85')).sessionCookie).toBeDefined();
  });

  it('remove-user removes the user and ends its sessions', async () => {
    const client = await loggedIn(other.email, other.password, '198.51.100.86');

    const removed = await runCli(['admin', 'remove-user', other.email.toUpperCase(), '--json'], { env: suite.env });

    expect(removed.code).toBe(0);
    // This session, and the one the previous test opened after the revocation.
    expect(JSON.parse(removed.stdout)).toEqual({ email: other.email, sessionsEnded: 2 });
    expect(await hasSession(client)).toBe(false);
    expect(await suite.db.dataSource.query(`SELECT email FROM admin_users ORDER BY email`)).toEqual([{ email: ADMIN_USER.email }]);
    const again = await suite.anonymous().login(other.email, other.password, { 'x-forwarded-for': '198.51.100.87' });
    expect(loginError(again.text)).toBe('invalidCredentials');
    expect(await hasSession(suite.client)).toBe(true);
  });
});
