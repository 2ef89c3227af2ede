import { describe, expect, it } from '@jest/globals';
import { AdminUsersService } from '../../src/admin-users/admin-users.service.js';
import { adminSuite } from '../support/admin-suite.js';
import { givenSite } from '../support/scenario.js';

const suite = adminSuite();
const TOKENS = 'ApiToken';
const TOKEN = /cfm_[a-z0-9]{12}_[A-Za-z0-9_-]{43}/;

const apiStatus = async (token: string) =>
  (await fetch(`${suite.server.url}/api/v1/sites`, { headers: { authorization: `Bearer ${token}` } })).json() as Promise<{ code?: string; items?: unknown[] }>;

describe('API tokens in the admin panel', () => {
  it('creates a token shown once in the notice, lists it without its secret, and revokes it', async () => {
    await givenSite(suite.ctx, suite.fake, 'panel-token.com');
    const created = await suite.client.submitForm(`/resources/${TOKENS}/actions/new`, {
      name: 'panel-deploy',
      role: 'operator',
      sites: 'panel-token.com',
      apiKey: '',
      expires: '30d',
    });
    expect(created.notice.type).toBe('success');
    const token = (TOKEN.exec(created.notice.message as string) ?? [''])[0];
    expect(token).toMatch(TOKEN);
    expect((await apiStatus(token)).items).toHaveLength(1);

    const bodiesBefore = suite.client.bodies.length;
    const list = await suite.client.list(TOKENS);
    const [record] = list.records as { id: string; params: Record<string, unknown> }[];
    expect(record.params).toMatchObject({ name: 'panel-deploy', role: 'operator', 'siteDomains.0': 'panel-token.com' });
    await suite.client.json(`/admin/api/resources/${TOKENS}/records/${record.id}/show`);

    const revoked = await suite.client.recordAction(TOKENS, record.id, 'revoke', {});
    expect(revoked.notice).toEqual({ message: 'Revoked API token panel-deploy.', type: 'success' });
    expect((await apiStatus(token)).code).toBe('token_revoked');
    expect(suite.client.bodies.slice(bodiesBefore).filter((body) => body.includes(token.slice(17)))).toEqual([]);
    expect(suite.server.output()).not.toContain(token.slice(17));
  }, 30_000);

  it('refuses bad input beside its field and writes nothing', async () => {
    const before = await suite.dataSnapshot();
    const badRole = await suite.client.submitForm(`/resources/${TOKENS}/actions/new`, { name: 'x', role: 'root', sites: '', apiKey: '', expires: '' });
    expect(badRole.record.errors).toEqual({ role: { message: 'Invalid role "root": expected one of viewer, operator, admin.' } });
    const badSite = await suite.client.submitForm(`/resources/${TOKENS}/actions/new`, { name: 'x', role: 'viewer', sites: 'nowhere.com', apiKey: '', expires: '' });
    expect(badSite.record.errors.sites.message).toMatch(/Unknown site nowhere\.com/);
    const badExpiry = await suite.client.submitForm(`/resources/${TOKENS}/actions/new`, { name: 'x', role: 'viewer', sites: '', apiKey: '', expires: 'soon' });
    expect(badExpiry.record.errors.expires.message).toMatch(/Invalid expiry "soon"/);
    expect(await suite.dataSnapshot()).toEqual(before);
  });

  it('is for admins of every site: an operator is refused, and writes nothing', async () => {
    await new AdminUsersService(suite.db.dataSource).create({ email: 'operator@example.com', password: 'another long passphrase', role: 'operator' });
    const operator = suite.anonymous();
    expect((await operator.login('operator@example.com', 'another long passphrase')).status).toBe(302);
    const before = await suite.dataSnapshot();
    expect((await operator.request(`/admin/api/resources/${TOKENS}/actions/list`)).status).toBe(403);
    const form = new FormData();
    for (const [name, value] of Object.entries({ name: 'sneaky', role: 'admin' })) form.append(name, value);
    expect((await operator.request(`/admin/api/resources/${TOKENS}/actions/new`, { method: 'POST', body: form })).status).toBe(403);
    const { admin_sessions: _sessions, ...after } = await suite.db.snapshot();
    expect(after).toEqual(before);
  });
});
