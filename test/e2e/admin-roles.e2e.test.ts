import { beforeAll, describe, expect, it } from '@jest/globals';
import { AdminUsersService } from '../../src/admin-users/admin-users.service.js';
import { MaintenanceLog } from '../../src/logs/maintenance-log.entity.js';
import { CloudflareSite } from '../../src/sites/cloudflare-site.entity.js';
import type { AdminClient } from '../support/admin-client.js';
import { ADMIN_USER, adminSuite } from '../support/admin-suite.js';
import { givenSite } from '../support/scenario.js';

const suite = adminSuite();
const SITES = 'CloudflareSite';
const KEYS = 'CloudflareApiKey';
const USERS = 'AdminUser';
const WINDOWS = 'ScheduledMaintenance';
const PASSWORD = 'another long passphrase';

const siteRow = (id: string) => suite.db.dataSource.getRepository(CloudflareSite).findOneByOrFail({ id });
const logCount = () => suite.db.dataSource.getRepository(MaintenanceLog).count();
const post = (client: AdminClient, path: string, data: Record<string, unknown> = {}) =>
  client.request(`/admin/api/resources/${path}`, { method: 'POST', body: JSON.stringify(data), headers: { 'content-type': 'application/json' } });

async function loggedIn(email: string, role: string, scope?: { domains: string[]; apiKeyIds: string[] }): Promise<AdminClient> {
  await new AdminUsersService(suite.db.dataSource).create({ email, password: PASSWORD, role, scope });
  const client = suite.anonymous();
  expect((await client.login(email, PASSWORD)).status).toBe(302);
  return client;
}

let shop: CloudflareSite;
let shopZoneId: string;
let blog: CloudflareSite;

beforeAll(async () => {
  let zone: { id: string };
  ({ site: shop, zone } = await givenSite(suite.ctx, suite.fake, 'roles-shop.com'));
  shopZoneId = zone.id;
  ({ site: blog } = await givenSite(suite.ctx, suite.fake, 'roles-blog.com'));
});

describe('a viewer', () => {
  let viewer: AdminClient;
  beforeAll(async () => {
    viewer = await loggedIn('viewer@example.com', 'viewer');
  });

  it('reads sites, windows and the audit log, and is offered no action that changes anything', async () => {
    const list = await viewer.list(SITES);
    expect(list.records.map((record: { params: { domain: string } }) => record.params.domain).sort()).toEqual(['roles-blog.com', 'roles-shop.com']);
    const shown = await viewer.json(`/admin/api/resources/${SITES}/records/${shop.id}/show`);
    expect(shown.record.recordActions.map((action: { name: string }) => action.name).sort()).toEqual(['liveStatus', 'show']);
    expect(list.records[0].bulkActions).toEqual([]);
    expect((await viewer.list(WINDOWS)).records).toEqual([]);
    expect((await viewer.list('MaintenanceLog')).meta.total).toBe(await logCount());

    // The navigation the page is drawn from links only the resources whose list the role may see.
    const page = await viewer.request('/admin/resources/CloudflareSite');
    const state = JSON.parse(/window\.REDUX_STATE = (.*);\n/.exec(page.text)![1]) as { resources: { id: string; href: string | null }[] };
    expect(Object.fromEntries(state.resources.map((resource) => [resource.id, resource.href !== null]))).toEqual({
      CloudflareSite: true,
      ScheduledMaintenance: true,
      CloudflareApiKey: false,
      MaintenanceLog: true,
      AdminUser: false,
      ApiToken: false,
    });
  });

  it('is refused with 403 when it posts Enable, Disable, Sync, Reconcile or a bulk action directly, and nothing is written', async () => {
    const before = await suite.dataSnapshot();
    for (const action of ['enableMaintenance', 'disableMaintenance', 'syncSite', 'reconcile']) {
      const refused = await post(viewer, `${SITES}/records/${shop.id}/${action}`, { reason: 'sneaky' });
      expect([action, refused.status, JSON.parse(refused.text).message]).toEqual([
        action,
        403,
        `Your role (viewer) or your sites do not allow "${action}" on ${SITES}.`,
      ]);
    }
    expect((await post(viewer, `${SITES}/bulk/bulkEnable?recordIds=${shop.id},${blog.id}`, { reason: 'sneaky' })).status).toBe(403);
    expect((await post(viewer, `${WINDOWS}/actions/new`, { title: 'x', sites: 'roles-shop.com', start: '2030-01-01T00:00Z', durationMinutes: '10' })).status).toBe(403);
    expect(await suite.dataSnapshot()).toEqual(before);
    expect(suite.fake.pageRules(shopZoneId)).toEqual([]);
  });
});

describe('an operator', () => {
  let operator: AdminClient;
  beforeAll(async () => {
    operator = await loggedIn('operator@example.com', 'operator');
  });

  it('enables and disables maintenance', async () => {
    const enabled = await operator.recordAction(SITES, blog.id, 'enableMaintenance', { reason: 'by an operator' });
    expect(enabled.notice).toEqual({ message: 'roles-blog.com is in maintenance.', type: 'success' });
    const disabled = await operator.recordAction(SITES, blog.id, 'disableMaintenance', {});
    expect(disabled.notice.type).toBe('success');
    expect((await siteRow(blog.id)).maintenanceState).toBe('off');
  });

  it("is refused the sites' settings, the Cloudflare keys and the users, and offered none of them", async () => {
    const before = await suite.dataSnapshot();
    const form = new FormData();
    form.append('name', 'Renamed');
    const edit = await operator.request(`/admin/api/resources/${SITES}/records/${shop.id}/edit`, { method: 'POST', body: form });
    expect(edit.status).toBe(403);
    expect((await post(operator, `${SITES}/records/${shop.id}/delete`)).status).toBe(403);
    expect((await post(operator, `${SITES}/actions/discoverSites`)).status).toBe(403);
    expect((await operator.request(`/admin/api/resources/${KEYS}/actions/list`)).status).toBe(403);
    expect((await post(operator, `${KEYS}/actions/new`, { name: 'stolen', token: 'x'.repeat(40) })).status).toBe(403);
    expect((await operator.request(`/admin/api/resources/${USERS}/actions/list`)).status).toBe(403);
    expect((await post(operator, `${USERS}/actions/new`, { email: 'mine@example.com', password: PASSWORD, role: 'admin' })).status).toBe(403);
    expect(await suite.dataSnapshot()).toEqual(before);

    const shown = await operator.json(`/admin/api/resources/${SITES}/records/${shop.id}/show`);
    const offered = shown.record.recordActions.map((action: { name: string }) => action.name);
    expect(offered).toEqual(expect.arrayContaining(['enableMaintenance', 'syncSite', 'reconcile']));
    expect(offered).not.toContain('edit');
    expect(offered).not.toContain('delete');
  });
});

describe('a user restricted to some sites', () => {
  let scoped: AdminClient;
  beforeAll(async () => {
    scoped = await loggedIn('shop-only@example.com', 'operator', { domains: ['roles-shop.com'], apiKeyIds: [] });
  });

  it('sees only its sites and their audit rows', async () => {
    const list = await scoped.list(SITES);
    expect(list.records.map((record: { params: { domain: string } }) => record.params.domain)).toEqual(['roles-shop.com']);
    expect(list.meta.total).toBe(1);
    await suite.ctx.maintenance.enableMaintenance(shop, 'for the audit log', 'test');
    await suite.ctx.maintenance.disableMaintenance(await siteRow(shop.id), 'test');
    const logs = await scoped.list('MaintenanceLog', { perPage: 100 });
    const logsOf = (siteId: string) => suite.db.dataSource.getRepository(MaintenanceLog).countBy({ siteId });
    expect(await logsOf(blog.id)).toBeGreaterThan(0);
    expect(logs.meta.total).toBe(await logsOf(shop.id));
    expect(logs.records.map((record: { params: { domain: string } }) => record.params.domain)).toEqual(['roles-shop.com', 'roles-shop.com']);
    // The dashboard counts its sites only, while an admin of every site sees them all.
    await suite.ctx.maintenance.enableMaintenance(await siteRow(blog.id), 'not theirs', 'test');
    const mine = await scoped.json('/admin/api/dashboard');
    expect(mine.sites).toMatchObject({ total: 1, inMaintenance: 0 });
    expect(mine.inMaintenance).toEqual([]);
    expect(mine.last30Days.attempts).toBe(await logsOf(shop.id));
    const everything = await suite.client.json('/admin/api/dashboard');
    expect(everything.sites).toMatchObject({ total: 2, inMaintenance: 1 });
    expect(everything.inMaintenance.map((row: { domain: string }) => row.domain)).toEqual(['roles-blog.com']);
    await suite.ctx.maintenance.disableMaintenance(await siteRow(blog.id), 'test');
  });

  it('acts on its sites only: another site does not exist for it, and a bulk selection keeps only its own', async () => {
    const refused = await scoped.recordAction(SITES, blog.id, 'enableMaintenance', { reason: 'not mine' });
    expect(refused.notice.type).toBe('error');
    expect((await siteRow(blog.id)).maintenanceState).toBe('off');

    const bulk = await scoped.bulkAction(SITES, [shop.id, blog.id], 'bulkEnable', { reason: 'mine' });
    expect(bulk.notice.message).toMatch(/^Enable maintenance on 1 site\(s\): 1 done/);
    expect((await siteRow(shop.id)).maintenanceState).toBe('on');
    expect((await siteRow(blog.id)).maintenanceState).toBe('off');
    await scoped.recordAction(SITES, shop.id, 'disableMaintenance', {});

    const window = await post(scoped, `${WINDOWS}/actions/new`, {
      title: 'Both',
      sites: 'roles-shop.com, roles-blog.com',
      start: '2030-01-01T00:00Z',
      durationMinutes: '10',
    });
    expect(JSON.parse(window.text).record.errors).toEqual({ sites: { message: 'Not among your sites: roles-blog.com.', type: undefined } });
    expect(await suite.db.dataSource.query('SELECT id FROM scheduled_maintenances')).toEqual([]);
  });
});

describe('user management in the panel', () => {
  it('an admin creates a user with a password it never shows, changes the role, and deactivating ends the sessions', async () => {
    const created = await suite.client.submitForm(`/resources/${USERS}/actions/new`, {
      email: 'new-hire@example.com',
      password: PASSWORD,
      role: 'viewer',
      sites: '',
      apiKeys: '',
    });
    expect(created.notice).toEqual({ message: 'Created viewer new-hire@example.com; they log in with the password you set.', type: 'success' });
    expect(suite.client.bodies.some((body) => body.includes(PASSWORD))).toBe(false);
    const id = created.record.id as string;

    const hire = suite.anonymous();
    expect((await hire.login('new-hire@example.com', PASSWORD)).status).toBe(302);
    expect((await post(hire, `${SITES}/records/${shop.id}/syncSite`)).status).toBe(403);

    const promoted = await suite.client.submitForm(`/resources/${USERS}/records/${id}/edit`, { role: 'operator' });
    expect(promoted.notice).toEqual({ message: 'Saved new-hire@example.com: role changed.', type: 'success' });
    // The same session, at once: roles are read afresh on every request.
    expect((await hire.recordAction(SITES, shop.id, 'syncSite', {})).notice.type).not.toBe('error');

    const deactivated = await suite.client.recordAction(USERS, id, 'deactivate', {});
    expect(deactivated.notice).toEqual({ message: 'Deactivated new-hire@example.com; 1 session(s) ended.', type: 'success' });
    expect((await hire.request(`/admin/api/resources/${SITES}/actions/list`)).status).toBe(302);
    expect((await suite.anonymous().login('new-hire@example.com', PASSWORD)).status).not.toBe(302);
  });

  it('refuses to demote or deactivate the last active admin of every site', async () => {
    const [me] = await suite.db.dataSource.query('SELECT id FROM admin_users WHERE email = $1', [ADMIN_USER.email]);
    const demoted = await suite.client.request(`/admin/api/resources/${USERS}/records/${me.id}/edit`, {
      method: 'POST',
      body: (() => {
        const form = new FormData();
        form.append('role', 'operator');
        return form;
      })(),
    });
    expect(JSON.parse(demoted.text).notice.message).toMatch(/^ops@example.com is the last active admin of every site/);
    const deactivated = await suite.client.recordAction(USERS, me.id, 'deactivate', {});
    expect(deactivated.notice).toEqual({ message: expect.stringMatching(/is the last active admin of every site/), type: 'error' });
    expect(await suite.db.dataSource.query('SELECT role, is_active FROM admin_users WHERE id = $1', [me.id])).toEqual([{ role: 'admin', is_active: true }]);
  });
});

describe("the Enable form's set time", () => {
  it('enables maintenance for 2 hours through a window, and refuses a duration with an end time, writing nothing', async () => {
    const { site, zone } = await givenSite(suite.ctx, suite.fake, 'roles-timed.com');
    const before = await suite.dataSnapshot();
    const refused = await suite.client.recordAction(SITES, site.id, 'enableMaintenance', { reason: 'x', for: '2h', until: '2099-01-01T00:00Z' });
    expect(refused.notice).toEqual({ message: 'Give either a duration (for) or an end time (until), not both.', type: 'error' });
    const garbage = await suite.client.recordAction(SITES, site.id, 'enableMaintenance', { reason: 'x', for: 'soon' });
    expect(garbage.notice.message).toMatch(/^Invalid for "soon"/);
    expect(await suite.dataSnapshot()).toEqual(before);

    const enabled = await suite.client.recordAction(SITES, site.id, 'enableMaintenance', { reason: 'release 9', for: '2h', until: '', timezone: '' });
    expect(enabled.notice).toEqual({
      message: expect.stringMatching(/^In maintenance until .*: 1 enabled, 0 already in maintenance, 0 failed; the window "Maintenance for a set time: roles-timed.com" takes them out then\.$/),
      type: 'success',
    });
    const [window] = await suite.db.dataSource.query(
      `SELECT w.id, w.status, w.reason, w.created_by, extract(epoch FROM w.ends_at - w.starts_at)::int AS seconds
         FROM scheduled_maintenances w JOIN scheduled_maintenance_sites e ON e.window_id = w.id WHERE e.site_id = $1`,
      [site.id],
    );
    expect(window).toEqual({ id: expect.any(String), status: 'active', reason: 'release 9', created_by: `admin:${ADMIN_USER.email}`, seconds: 7200 });
    expect(suite.fake.pageRules(zone.id)).toHaveLength(1);

    const badLength = await suite.client.recordAction(WINDOWS, window.id, 'extendWindow', { by: 'a while' });
    expect(badLength.notice).toEqual({ message: expect.stringMatching(/^Invalid by "a while"/), type: 'error' });
    const extended = await suite.client.recordAction(WINDOWS, window.id, 'extendWindow', { by: '30m' });
    expect(extended.notice).toEqual({ message: expect.stringMatching(/^"Maintenance for a set time: roles-timed.com" now ends /), type: 'success' });
    const [{ seconds }] = await suite.db.dataSource.query(
      'SELECT extract(epoch FROM ends_at - starts_at)::int AS seconds FROM scheduled_maintenances WHERE id = $1',
      [window.id],
    );
    expect(seconds).toBe(9000);

    // The maintenance page of the running server counts down to the (extended) end.
    const page = await fetch(`${suite.server.url}/maintenance?site=roles-timed.com`);
    expect(page.status).toBe(503);
    const retryAfter = Number(page.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(9000 - 120);
    expect(retryAfter).toBeLessThanOrEqual(9000);
  });
});
