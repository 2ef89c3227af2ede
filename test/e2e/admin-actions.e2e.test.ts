import { describe, expect, it } from '@jest/globals';
import { hostname } from 'node:os';
import { MaintenanceLog } from '../../src/logs/maintenance-log.entity.js';
import { CloudflareSite } from '../../src/sites/cloudflare-site.entity.js';
import { ADMIN_USER, adminSuite } from '../support/admin-suite.js';
import { givenSite, TEST_TOKEN } from '../support/scenario.js';

const suite = adminSuite();
const SITES = 'CloudflareSite';
const KEYS = 'CloudflareApiKey';
const LOGS = 'MaintenanceLog';
const ACTOR = `admin:${ADMIN_USER.email}`;
const TOKENS = { second: 'panel-second-token-abcdefghijklmnopqrst', rotated: 'panel-rotated-token-abcdefghijklmnopqr' };

const siteRow = (id: string) => suite.db.dataSource.getRepository(CloudflareSite).findOneByOrFail({ id });
const logsOf = (siteId: string) => suite.db.dataSource.getRepository(MaintenanceLog).find({ where: { siteId }, order: { createdAt: 'ASC' } });
const showUrl = (id: string) => `/admin/resources/${SITES}/records/${id}/show`;

describe('site actions', () => {
  it('enable and disable: opening the form changes nothing, the POST does it and says so, audited as the admin', async () => {
    const { zone, site } = await givenSite(suite.ctx, suite.fake, 'panel-cycle.com');

    const opened = await suite.client.recordAction(SITES, site.id, 'enableMaintenance');
    expect(opened).toEqual({ record: expect.objectContaining({ id: site.id }) });
    expect(suite.fake.pageRules(zone.id)).toEqual([]);

    const enabled = await suite.client.recordAction(SITES, site.id, 'enableMaintenance', { reason: 'deploy 7' });
    expect(enabled.notice).toEqual({ message: 'panel-cycle.com is in maintenance.', type: 'success' });
    expect(enabled.redirectUrl).toBe(showUrl(site.id));
    expect(enabled.record.params.maintenanceState).toBe('on');
    expect(suite.fake.pageRules(zone.id)).toHaveLength(1);

    const again = await suite.client.recordAction(SITES, site.id, 'enableMaintenance', { reason: 'twice' });
    expect(again.notice).toEqual({ message: 'panel-cycle.com is already in maintenance; nothing changed.', type: 'info' });

    const disabled = await suite.client.recordAction(SITES, site.id, 'disableMaintenance', {});
    expect(disabled.notice).toEqual({ message: 'panel-cycle.com is out of maintenance.', type: 'success' });
    expect(suite.fake.pageRules(zone.id)).toEqual([]);
    expect((await logsOf(site.id)).map((log) => [log.action, log.outcome, log.actor, log.reason])).toEqual([
      ['enable', 'success', ACTOR, 'deploy 7'],
      ['enable', 'skipped', ACTOR, 'twice'],
      ['disable', 'success', ACTOR, null],
    ]);
  });

  it("shows the service's refusal or Cloudflare's failure as an error notice, leaving the site as it was", async () => {
    const { zone, site } = await givenSite(suite.ctx, suite.fake, 'panel-refused.com');
    await suite.ctx.siteSettings.update(site, { active: false }, 'test');

    const inactive = await suite.client.recordAction(SITES, site.id, 'enableMaintenance', { reason: '' });
    expect(inactive.notice).toEqual({ message: 'panel-refused.com is marked inactive; activate it before enabling maintenance.', type: 'error' });

    await suite.ctx.siteSettings.update(await siteRow(site.id), { active: true }, 'test');
    suite.fake.injectFault({ method: 'POST', path: `/zones/${zone.id}/pagerules`, fault: { status: 403, code: 10000, message: 'Authentication error' } });
    const failed = await suite.client.recordAction(SITES, site.id, 'enableMaintenance', { reason: 'deploy 8' });
    expect(failed.notice.type).toBe('error');
    expect(failed.notice.message).toMatch(/^Enabling maintenance on panel-refused.com failed at step "create rule 1 of 1.*Authentication error.*the site is out of maintenance\.$/);
    expect((await siteRow(site.id)).maintenanceState).toBe('off');
  });

  it("reconcile closes the site's audit rows that a crashed process left pending, as the CLI's reconcile does", async () => {
    const { site } = await givenSite(suite.ctx, suite.fake, 'panel-interrupted.com');
    // A process of this host that cannot exist: Linux pids stop at 4194304 (pid_max).
    const deadOwner = `${hostname()}:4194305:`;
    const logs = suite.db.dataSource.getRepository(MaintenanceLog);
    const pending = await logs.save({ siteId: site.id, domain: 'panel-interrupted.com', action: 'enable', outcome: 'pending', actor: 'test', owner: deadOwner });

    const reconciled = await suite.client.recordAction(SITES, site.id, 'reconcile', {});

    expect(reconciled.notice).toEqual({
      message: 'panel-interrupted.com: stored state matches the zone; 1 interrupted audit row(s) closed.',
      type: 'success',
    });
    expect(await logs.findOneByOrFail({ id: pending.id })).toMatchObject({ outcome: 'failed', errorCode: 'interrupted', completedAt: expect.any(Date) });
  });

  it('checks the live status (only when asked, not when the page opens) and reconciles the drift it shows', async () => {
    const { zone, site } = await givenSite(suite.ctx, suite.fake, 'panel-drift.com');
    await suite.ctx.maintenance.enableMaintenance(site, null, 'test');
    suite.fake.deletePageRuleDirectly(zone.id, (await siteRow(site.id)).maintenanceRules[0].id);
    const calls = suite.fake.exchanges.length;

    expect(await suite.client.recordAction(SITES, site.id, 'liveStatus')).toEqual({ record: expect.objectContaining({ id: site.id }) });
    expect(suite.fake.exchanges.length).toBe(calls);

    const live = await suite.client.json(`/admin/api/resources/${SITES}/records/${site.id}/liveStatus?live=true`);
    expect(live.notice).toEqual({ message: 'panel-drift.com: 1 difference(s) from Cloudflare.', type: 'error' });
    expect(live.liveStatus.drift).toEqual([expect.objectContaining({ kind: 'rule_missing' })]);

    const reconciled = await suite.client.recordAction(SITES, site.id, 'reconcile', {});
    expect(reconciled.notice.type).toBe('success');
    expect(reconciled.notice.message).toMatch(/^panel-drift.com: re-create the missing rules.*: done/);
    const after = await suite.client.json(`/admin/api/resources/${SITES}/records/${site.id}/liveStatus?live=true`);
    expect(after.notice).toEqual({ message: 'panel-drift.com is in sync with Cloudflare.', type: 'success' });
    expect((await logsOf(site.id)).at(-1)).toMatchObject({ action: 'reconcile', actor: ACTOR });
  });

  it("syncs a site's zone facts and says what changed", async () => {
    const { zone, site } = await givenSite(suite.ctx, suite.fake, 'panel-sync.com');

    const unchanged = await suite.client.recordAction(SITES, site.id, 'syncSite', {});
    expect(unchanged.notice).toEqual({ message: 'panel-sync.com is up to date with its zone.', type: 'info' });

    suite.fake.updateZone(zone.id, { status: 'pending' });
    const changed = await suite.client.recordAction(SITES, site.id, 'syncSite', {});
    expect(changed.notice).toEqual({ message: 'panel-sync.com: zoneStatus: active → pending.', type: 'success' });
  });

  it('runs bulk actions on the selection, reporting a partial failure with its reason', async () => {
    const domains = ['bulk-a.com', 'bulk-b.com', 'bulk-quota.com'];
    const sites = [];
    for (const domain of domains) {
      const options = domain === 'bulk-quota.com' ? { plan: 'free' as const, subdomains: 'www,api,shop' } : {};
      sites.push((await givenSite(suite.ctx, suite.fake, domain, options)).site);
    }
    const ids = sites.map((site) => site.id);

    expect((await suite.client.bulkAction(SITES, ids, 'bulkEnable')).records).toHaveLength(3);
    expect(await Promise.all(ids.map(async (id) => (await siteRow(id)).maintenanceState))).toEqual(['off', 'off', 'off']);

    const enabled = await suite.client.bulkAction(SITES, ids, 'bulkEnable', { reason: 'bulk window' });
    expect(enabled.notice.type).toBe('error');
    expect(enabled.notice.message).toMatch(
      /^Enable maintenance on 3 site\(s\): 2 done, 0 unchanged, 1 failed\. Enabling maintenance on bulk-quota.com .*needs 4 new Page Rule\(s\) but the zone has 3 free/,
    );
    expect(enabled.redirectUrl).toBe(`/admin/resources/${SITES}`);
    expect(await Promise.all(ids.map(async (id) => (await siteRow(id)).maintenanceState))).toEqual(['on', 'on', 'off']);

    const disabled = await suite.client.bulkAction(SITES, ids, 'bulkDisable', {});
    expect(disabled.notice).toEqual({ message: 'Disable maintenance on 3 site(s): 2 done, 1 unchanged, 0 failed.', type: 'success' });
    const synced = await suite.client.bulkAction(SITES, ids, 'bulkSync', {});
    expect(synced.notice).toEqual({ message: 'Sync with Cloudflare on 3 site(s): 0 done, 3 unchanged, 0 failed.', type: 'success' });
    expect((await logsOf(ids[0])).map((log) => [log.action, log.actor])).toEqual([
      ['enable', ACTOR],
      ['disable', ACTOR],
      ['sync', ACTOR],
    ]);
  });
});

describe('site forms', () => {
  it('refuses an invalid domain or a javascript: URL with the message beside the field, saving nothing', async () => {
    suite.fake.addZone({ name: 'panel-form.com' });
    const before = await suite.dataSnapshot();

    const badDomain = await suite.client.submitForm(`/resources/${SITES}/actions/new`, { domain: 'not a domain', name: '', subdomains: '', maintenanceUrl: '' });
    const badUrl = await suite.client.submitForm(`/resources/${SITES}/actions/new`, { domain: 'panel-form.com', maintenanceUrl: 'javascript:alert(1)' });
    const badSubdomain = await suite.client.submitForm(`/resources/${SITES}/actions/new`, { domain: 'panel-form.com', subdomains: 'www, *.shop' });

    expect(badDomain.record.errors).toEqual({ domain: { message: expect.stringMatching(/^Invalid domain "not a domain": expected a registered domain name/) } });
    expect(badDomain.notice).toEqual({ message: badDomain.record.errors.domain.message, type: 'error' });
    expect(badUrl.record.errors).toEqual({
      maintenanceUrl: { message: 'Invalid maintenance URL "javascript:alert(1)": the scheme javascript: is not accepted; use http:// or https://.' },
    });
    expect(badSubdomain.record.errors).toEqual({ subdomains: { message: expect.stringMatching(/^Invalid subdomain "\*.shop"/) } });
    expect(await suite.dataSnapshot()).toEqual(before);

    const added = await suite.client.submitForm(`/resources/${SITES}/actions/new`, { domain: 'Panel-Form.com', subdomains: 'www', maintenanceUrl: '' });
    expect(added.notice).toEqual({ message: 'Added panel-form.com.', type: 'success' });
    expect(added.record.params).toMatchObject({ domain: 'panel-form.com', includeSubdomains: false, 'subdomainList.0': 'www', maintenanceUrl: null });
  });

  it('edits settings like `sites update`: bad input beside its field, and a site in maintenance gets its rules re-applied', async () => {
    const { zone, site } = await givenSite(suite.ctx, suite.fake, 'panel-edit.com', { plan: 'pro' });
    const edit = `/resources/${SITES}/records/${site.id}/edit`;
    const opened = await suite.client.recordAction(SITES, site.id, 'edit');
    expect(opened.record.params).toMatchObject({ subdomains: '', coverage: 'apex + all subdomains' });
    const before = await suite.dataSnapshot();

    const refused = await suite.client.submitForm(edit, { name: 'Panel', subdomains: '', maintenanceUrl: 'javascript:alert(document.cookie)' });
    expect(refused.record.errors).toEqual({ maintenanceUrl: { message: expect.stringMatching(/the scheme javascript: is not accepted/) } });
    expect(await suite.dataSnapshot()).toEqual(before);

    await suite.ctx.maintenance.enableMaintenance(site, null, 'test');
    const saved = await suite.client.submitForm(edit, { name: 'Panel', subdomains: 'www, api', maintenanceUrl: 'https://status.example.org/down', isActive: 'true' });

    expect(saved.notice).toEqual({
      message: 'Saved panel-edit.com: name, subdomains, maintenance URL changed; its rules in Cloudflare were updated to match.',
      type: 'success',
    });
    expect(suite.fake.pageRules(zone.id).map((rule) => rule.targets[0].constraint.value).sort()).toEqual(
      ['api.panel-edit.com/*', 'panel-edit.com/*', 'www.panel-edit.com/*'].sort(),
    );
    expect((await logsOf(site.id)).at(-1)).toMatchObject({ action: 'enable', outcome: 'success', actor: ACTOR });
  });

  it('refuses to remove a site in maintenance, and removes it once out', async () => {
    const { site } = await givenSite(suite.ctx, suite.fake, 'panel-remove.com');
    await suite.ctx.maintenance.enableMaintenance(site, null, 'test');

    const refused = await suite.client.recordAction(SITES, site.id, 'delete', {});
    expect(refused.notice).toEqual({ message: expect.stringMatching(/^panel-remove.com is in maintenance \(on\); disable maintenance before removing it/), type: 'error' });

    await suite.ctx.maintenance.disableMaintenance(await siteRow(site.id), 'test');
    const removed = await suite.client.recordAction(SITES, site.id, 'delete', {});
    expect(removed.notice).toEqual({ message: 'Removed panel-remove.com; its audit rows are kept.', type: 'success' });
  });
});

describe('lists and filters', () => {
  it('filters sites by exact maintenance state, key and activity, and searches domain or name', async () => {
    const { site } = await givenSite(suite.ctx, suite.fake, 'filter-on.com');
    await suite.ctx.maintenance.enableMaintenance(site, null, 'test');
    await suite.db.dataSource.query(`UPDATE cloudflare_sites SET maintenance_state = 'needs_reconcile' WHERE domain = 'bulk-b.com'`);
    const domains = async (query: Record<string, string>) => (await suite.client.list(SITES, { perPage: 100, ...query })).records.map((record: any) => record.params.domain);

    expect(await domains({ 'filters.maintenanceState': 'on' })).toEqual(['filter-on.com', 'panel-drift.com', 'panel-edit.com']);
    expect(await domains({ 'filters.maintenanceState': 'needs_reconcile' })).toEqual(['bulk-b.com']);
    expect(await domains({ 'filters.search': 'FILTER' })).toEqual(['filter-on.com']);
    expect(await domains({ 'filters.search': 'Panel', 'filters.maintenanceState': 'on' })).toEqual(['panel-drift.com', 'panel-edit.com']);
    expect(await domains({ 'filters.isActive': 'false' })).toEqual([]);
    expect(await domains({ 'filters.apiKeyId': site.apiKeyId })).toHaveLength((await suite.ctx.sites.list()).length);
    expect(await domains({ 'filters.apiKeyId': 'not-a-uuid' })).toEqual([]);
    expect((await suite.client.request(`/admin/api/resources/${SITES}/records/not-a-uuid/show`)).text).toMatch(/cannot be found/);

    const [listed] = (await suite.client.list(SITES, { 'filters.search': 'filter-on' })).records;
    expect(listed.params).toMatchObject({ coverage: 'apex + all subdomains', lastMaintenanceAt: expect.any(String) });
  });

  it('lists the audit log read-only, filtered by action, outcome, site and date', async () => {
    const { site } = await givenSite(suite.ctx, suite.fake, 'logs-filter.com');
    await suite.ctx.maintenance.enableMaintenance(site, 'for the log', 'test');

    const rows = async (query: Record<string, string>) => (await suite.client.list(LOGS, { perPage: 500, ...query })).records.map((record: any) => record.params);
    const forSite = await rows({ 'filters.siteId': site.id });
    expect(forSite).toEqual([expect.objectContaining({ action: 'enable', outcome: 'success', domain: 'logs-filter.com', actor: 'test', reason: 'for the log' })]);
    expect((await rows({ 'filters.outcome': 'skipped' })).every((row: any) => row.outcome === 'skipped')).toBe(true);
    expect((await rows({ 'filters.action': 'reconcile' })).map((row: any) => row.domain)).toEqual(['panel-drift.com']);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect(await rows({ 'filters.createdAt~~from': future })).toEqual([]);

    const before = await suite.dataSnapshot();
    for (const action of ['new', 'edit', 'delete']) {
      const path = action === 'new' ? `/admin/api/resources/${LOGS}/actions/new` : `/admin/api/resources/${LOGS}/records/${forSite[0].id}/${action}`;
      const refused = await suite.client.json(path, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
      expect(refused.notice).toEqual({ message: 'forbiddenError', type: 'error' });
    }
    expect(await suite.dataSnapshot()).toEqual(before);
  });

  it('summarises the fleet and the last days on the dashboard', async () => {
    const summary = await suite.client.json('/admin/api/dashboard');

    expect(summary.sites).toMatchObject({ inMaintenance: 4, needsReconcile: 1 });
    expect(summary.inMaintenance.map((site: any) => site.domain).sort()).toEqual(['filter-on.com', 'logs-filter.com', 'panel-drift.com', 'panel-edit.com']);
    expect(summary.failures.count).toBeGreaterThanOrEqual(2);
    expect(summary.last30Days.successRate).toBeGreaterThan(50);
    expect(summary.perDay).toHaveLength(14);
    expect(summary.perDay.at(-1).success).toBeGreaterThan(5);
  });
});

describe('API keys', () => {
  it('adds a key only once Cloudflare accepts its token, and then shows it masked', async () => {
    const before = await suite.dataSnapshot();
    const refused = await suite.client.submitForm(`/resources/${KEYS}/actions/new`, { name: 'second', token: 'an-unknown-token-abcdefghijklmnop', isDefault: 'false' });
    expect(refused.record.errors).toEqual({ token: { message: expect.stringMatching(/^Cloudflare rejected this API token/) } });
    expect(await suite.dataSnapshot()).toEqual(before);

    suite.fake.addToken({ token: TOKENS.second });
    const added = await suite.client.submitForm(`/resources/${KEYS}/actions/new`, { name: 'second', token: TOKENS.second, isDefault: 'false' });
    expect(added.notice).toEqual({ message: 'Saved API key "second" (••••••••qrst).', type: 'success' });
    const listed = await suite.client.list(KEYS);
    expect(listed.records.map((record: any) => [record.params.name, record.params.maskedToken, record.params.isDefault])).toEqual([
      ['primary', `••••••••${TEST_TOKEN.slice(-4)}`, true],
      ['second', '••••••••qrst', false],
    ]);
  });

  it('makes a key the default, verifies it, rotates its token and discovers its sites', async () => {
    const second = (await suite.client.list(KEYS, { 'filters.name': 'second' })).records[0];
    suite.fake.addZone({ name: 'discovered-by-second.com' });

    expect((await suite.client.recordAction(KEYS, second.id, 'makeDefault', {})).notice).toEqual({ message: '"second" is now the default API key.', type: 'success' });
    expect((await suite.client.recordAction(KEYS, second.id, 'verify', {})).notice).toEqual({
      message: expect.stringMatching(/^Cloudflare accepts "second" \(user token/),
      type: 'success',
    });

    const badRotation = await suite.client.recordAction(KEYS, second.id, 'rotateToken', { token: 'an-unknown-token-abcdefghijklmnop' });
    expect(badRotation.notice).toEqual({ message: expect.stringMatching(/^Cloudflare rejected this API token/), type: 'error' });
    suite.fake.addToken({ token: TOKENS.rotated });
    const rotated = await suite.client.recordAction(KEYS, second.id, 'rotateToken', { token: TOKENS.rotated });
    expect(rotated.notice).toEqual({ message: 'Rotated "second": its token is now ••••••••opqr.', type: 'success' });

    const discovered = await suite.client.recordAction(KEYS, second.id, 'discoverSites', {});
    expect(discovered.notice.type).toBe('success');
    expect(discovered.notice.message).toMatch(/created/);
    expect((await suite.ctx.sites.findByDomain('discovered-by-second.com')).apiKeyId).toBe(second.id);
  });

  it('refuses to delete a key that sites use', async () => {
    const primary = (await suite.client.list(KEYS, { 'filters.name': 'primary' })).records[0];

    const refused = await suite.client.recordAction(KEYS, primary.id, 'delete', {});

    expect(refused.notice).toEqual({ message: expect.stringMatching(/^API key "primary" is used by \d+ sites and was not removed/), type: 'error' });
    expect((await suite.client.list(KEYS)).records).toHaveLength(2);
  });

  it('never sent a token, or its ciphertext, in any response of this whole file', async () => {
    const ciphertexts: { encrypted_token: string }[] = await suite.db.dataSource.query('SELECT encrypted_token FROM cloudflare_api_keys');
    const secrets = [TEST_TOKEN, ...Object.values(TOKENS), ...ciphertexts.map((row) => row.encrypted_token)];
    expect(suite.client.bodies.length).toBeGreaterThan(40);
    for (const body of suite.client.bodies) for (const secret of secrets) expect(body).not.toContain(secret);
    for (const secret of secrets) expect(suite.server.output()).not.toContain(secret);
  });
});
