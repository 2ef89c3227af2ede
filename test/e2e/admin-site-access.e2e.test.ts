import { describe, expect, it } from '@jest/globals';
import { MaintenanceLog } from '../../src/logs/maintenance-log.entity.js';
import { CloudflareSite } from '../../src/sites/cloudflare-site.entity.js';
import { ADMIN_USER, adminSuite } from '../support/admin-suite.js';
import { givenSite } from '../support/scenario.js';

const suite = adminSuite();
const SITES = 'CloudflareSite';
const LOGS = 'MaintenanceLog';
const ACME = '/.well-known/acme-challenge/';

const siteRow = (id: string) => suite.db.dataSource.getRepository(CloudflareSite).findOneByOrFail({ id });
const editUrl = (id: string) => `/resources/${SITES}/records/${id}/edit`;

describe("the admin's site form: engine, bypass IPs and excluded paths", () => {
  it('shows each refusal beside its field and writes nothing', async () => {
    const { site } = await givenSite(suite.ctx, suite.fake, 'form-access.com');
    const opened = await suite.client.recordAction(SITES, site.id, 'edit');
    expect(opened.record.params).toMatchObject({ engine: 'page_rules', bypassIpList: '', excludedPathList: ACME });
    const before = await suite.dataSnapshot();
    const submit = (fields: Record<string, string>) =>
      suite.client.submitForm(editUrl(site.id), { name: 'form-access.com', subdomains: '', maintenanceUrl: '', ...fields });

    expect((await submit({ engine: 'workers' })).record.errors).toEqual({
      engine: { message: expect.stringMatching(/^Invalid engine "workers": expected one of page_rules, redirect_rule/) },
    });
    expect((await submit({ engine: 'page_rules', bypassIpList: '203.0.113.0/24' })).record.errors).toEqual({
      bypassIpList: { message: expect.stringMatching(/uses the page_rules engine, which cannot let staff through .*--engine redirect_rule/) },
    });
    expect((await submit({ engine: 'page_rules', excludedPathList: '/api/webhooks/' })).record.errors).toEqual({
      excludedPathList: { message: expect.stringMatching(/uses the page_rules engine, which cannot let staff through or exclude paths/) },
    });
    expect((await submit({ engine: 'redirect_rule', bypassIpList: '10.0.0.0/33' })).record.errors).toEqual({
      bypassIpList: { message: expect.stringMatching(/"10\.0\.0\.0\/33" has an invalid prefix length/) },
    });
    expect((await submit({ engine: 'redirect_rule', excludedPathList: '/api/*' })).record.errors).toEqual({
      excludedPathList: { message: expect.stringMatching(/Invalid excluded path "\/api\/\*": wildcards/) },
    });
    expect(await suite.dataSnapshot()).toEqual(before);
  });

  it('saves a valid change, audited as the admin; the new-site form takes the engine too', async () => {
    const { site } = await givenSite(suite.ctx, suite.fake, 'form-saved.com');
    const saved = await suite.client.submitForm(editUrl(site.id), {
      name: 'form-saved.com',
      subdomains: '',
      maintenanceUrl: '',
      engine: 'redirect_rule',
      bypassIpList: '203.0.113.0/24, 2001:DB8::/32',
      excludedPathList: '/hooks/',
    });
    expect(saved.notice).toEqual({ message: 'Saved form-saved.com: engine, bypass IPs, excluded paths changed.', type: 'success' });
    expect(await siteRow(site.id)).toMatchObject({
      engine: 'redirect_rule',
      bypassIps: ['203.0.113.0/24', '2001:db8::/32'],
      excludedPaths: [ACME, '/hooks/'],
      bypassSecretCipher: null,
    });
    const audit = await suite.db.dataSource.getRepository(MaintenanceLog).findOneByOrFail({ siteId: site.id, action: 'settings' });
    expect(audit).toMatchObject({ actor: `admin:${ADMIN_USER.email}`, outcome: 'success' });

    const emptied = await suite.client.submitForm(editUrl(site.id), { name: 'form-saved.com', bypassIpList: '', excludedPathList: 'none' });
    expect(emptied.notice.type).toBe('success');
    expect(await siteRow(site.id)).toMatchObject({ bypassIps: null, excludedPaths: [] });

    suite.fake.addZone({ name: 'form-new.com' });
    const refused = await suite.client.submitForm(`/resources/${SITES}/actions/new`, { domain: 'form-new.com', engine: 'nginx' });
    expect(refused.record.errors).toEqual({ engine: { message: expect.stringMatching(/Invalid engine "nginx"/) } });
    const created = await suite.client.submitForm(`/resources/${SITES}/actions/new`, { domain: 'form-new.com', engine: 'redirect_rule' });
    expect(created.notice).toEqual({ message: 'Added form-new.com.', type: 'success' });
    expect((await suite.ctx.sites.findByDomain('form-new.com')).engine).toBe('redirect_rule');
  });

  it('never shows the bypass secret or its ciphertext: show, list, edit form, audit log, pages, server log', async () => {
    const { site } = await givenSite(suite.ctx, suite.fake, 'form-secret.com');
    await suite.ctx.siteSettings.update(site, { engine: 'redirect_rule' }, 'test');
    const result = await suite.ctx.siteSettings.update(await siteRow(site.id), { bypassSecret: 'generate' }, 'test');
    const secret = result.newBypassSecret!;
    const cipher = (await siteRow(site.id)).bypassSecretCipher!;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const shown = await suite.client.recordAction(SITES, site.id, 'show');
    expect(shown.record.params).toMatchObject({ engine: 'redirect_rule', bypass: 'no IPs (default); secret ••••••••', exclusions: ACME });
    // The column reaches the browser only as the mask (the resource's `redact`).
    expect(shown.record.params.bypassSecretCipher).toBe('••••••••');
    const responses = [
      JSON.stringify(shown),
      JSON.stringify(await suite.client.recordAction(SITES, site.id, 'edit')),
      JSON.stringify(await suite.client.list(SITES, { perPage: 100 })),
      JSON.stringify(await suite.client.list(LOGS, { perPage: 500 })),
      JSON.stringify(await suite.client.json(`/admin/api/resources/${SITES}/search/form-secret`)),
      (await suite.client.request(`/admin/resources/${SITES}/records/${site.id}/show`)).text,
      (await suite.client.request(`/admin/resources/${SITES}`)).text,
      suite.server.output(),
    ];
    for (const text of responses) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(cipher);
    }
  });
});
