import { beforeAll, describe, expect, it } from '@jest/globals';
import { AdminUsersService } from '../../src/admin-users/admin-users.service.js';
import { PageBrandingService } from '../../src/maintenance-page/page-branding.service.js';
import { PageDefaultsStore } from '../../src/maintenance-page/page-defaults.store.js';
import type { AdminClient } from '../support/admin-client.js';
import { adminSuite } from '../support/admin-suite.js';
import { givenSite } from '../support/scenario.js';

/**
 * The default's page (/admin/api/pages/pageDefault) as the panel's frontend calls it: every role reads it,
 * only an admin of every site saves it, refused on the server whatever the page shows.
 */
const suite = adminSuite();
const PATH = '/admin/api/pages/pageDefault';
const PASSWORD = 'another long passphrase';

async function loggedIn(email: string, role: string, scope?: { domains: string[]; apiKeyIds: string[] }): Promise<AdminClient> {
  await new AdminUsersService(suite.db.dataSource).create({ email, password: PASSWORD, role, scope });
  const client = suite.anonymous();
  expect((await client.login(email, PASSWORD)).status).toBe(302);
  return client;
}

const post = (client: AdminClient, fields: Record<string, string>) =>
  client.request(PATH, { method: 'POST', body: JSON.stringify(fields), headers: { 'content-type': 'application/json' } });

beforeAll(async () => {
  await givenSite(suite.ctx, suite.fake, 'default-shop.com');
  await suite.ctx.app.get(PageBrandingService).updateDefault({ title: 'Back soon' }, 'test');
});

describe('the default maintenance page, server side', () => {
  it.each([
    ['an operator', 'operator@example.com', 'operator', undefined],
    ['an admin restricted to some sites', 'shop-admin@example.com', 'admin', { domains: ['default-shop.com'], apiKeyIds: [] }],
  ])('is read by %s, whose save is refused with 403 and writes nothing', async (_who, email, role, scope) => {
    const client = await loggedIn(email, role, scope);
    const shown = await client.json(PATH);
    expect(shown).toMatchObject({ canEdit: false, params: { pageTitle: 'Back soon' } });
    expect(shown.readOnlyReason).toContain(`Your role (${role})`);

    const before = await suite.dataSnapshot();
    const refused = await post(client, { pageTitle: 'Not yours to change' });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.text).message).toContain('only an admin of every site may change it');
    expect(await suite.dataSnapshot()).toEqual(before);
  });

  it('refuses an anonymous request before anything runs', async () => {
    const before = await suite.dataSnapshot();
    const refused = await post(suite.anonymous(), { pageTitle: 'Anonymous' });
    expect(refused.status).toBe(302);
    expect(refused.headers.get('location')).toBe('/admin/login');
    expect(await suite.dataSnapshot()).toEqual(before);
  });

  it('answers an invalid field with 422 naming the field, and saves nothing', async () => {
    const before = await suite.dataSnapshot();
    const refused = await post(suite.client, { pageTitle: 'Fine', pageTemplate: '<p onclick="x()">{{message}}</p>' });
    expect(refused.status).toBe(422);
    const { message, errors } = JSON.parse(refused.text);
    expect(message).toContain('The page template contains an onclick attribute');
    expect(errors).toEqual({ pageTemplate: { message } });
    expect(await suite.dataSnapshot()).toEqual(before);
  });

  it('saves the form whole for an admin of every site: an emptied field is unset', async () => {
    const saved = await suite.client.json(PATH, {
      method: 'POST',
      body: JSON.stringify({ pageTitle: '', pageMessage: 'Back in an hour.', pageTranslations: 'fr: | De retour dans une heure.' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(saved).toMatchObject({ canEdit: true, notice: { message: 'Saved the default maintenance page.', type: 'success' } });
    expect(await new PageDefaultsStore(suite.db.dataSource).get()).toEqual({ message: 'Back in an hour.', translations: { fr: { message: 'De retour dans une heure.' } } });
  });
});
