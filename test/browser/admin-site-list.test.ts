import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_USER, adminSuite } from '../support/admin-suite.js';
import { launchPanelBrowser, logInToPanel, PANEL_URL } from '../support/panel-browser.js';
import { givenSite } from '../support/scenario.js';

const suite = adminSuite({ publicUrl: PANEL_URL });
const SCREENSHOT = new URL('../../test-output/site-list.png', import.meta.url);

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchPanelBrowser(suite.server.url);
  page = await logInToPanel(browser, ADMIN_USER);
});

afterAll(async () => {
  await browser?.close();
});

/** Waits until the site's row in the list shows this badge (the list reloads after an action). */
const badgeShows = (domain: string, label: string) =>
  page.getByRole('row', { name: new RegExp(domain) }).getByTestId('maintenance-badge').getByText(label, { exact: true }).waitFor();

async function select(...domains: string[]): Promise<void> {
  for (const domain of domains) await page.getByRole('row', { name: new RegExp(domain) }).locator('input[type="checkbox"]').check({ force: true });
}

/** Clicks an action's button, fills in its input if given, and confirms. */
async function confirmAction(action: string, reason?: string): Promise<void> {
  await page.getByTestId(`action-${action}`).first().click();
  if (reason !== undefined) await page.locator('#action-input').fill(reason);
  await page.getByTestId('action-confirm').click();
}

describe('the admin panel in Chromium, logged in', () => {
  let shop: { zoneId: string; siteId: string };

  beforeAll(async () => {
    const { zone, site } = await givenSite(suite.ctx, suite.fake, 'shop.example.com', { siteName: 'Shop' });
    shop = { zoneId: zone.id, siteId: site.id };
    await givenSite(suite.ctx, suite.fake, 'blog.example.com', { siteName: 'Blog', subdomains: 'www' });
    const docs = await givenSite(suite.ctx, suite.fake, 'docs.example.com', { siteName: 'Documentation', plan: 'pro', subdomains: 'www,v2' });
    const status = await givenSite(suite.ctx, suite.fake, 'status.example.org', { siteName: 'Status page' });
    await givenSite(suite.ctx, suite.fake, 'api.example.net', { siteName: 'Public API' });
    await suite.ctx.maintenance.enableMaintenance(docs.site, 'database upgrade', 'cli:ops');
    await suite.ctx.siteSettings.update(status.site, { active: false }, 'cli:ops');
    // As a failed rollback would leave it (see the maintenance service's tests for how it happens).
    await suite.db.dataSource.query(`UPDATE cloudflare_sites SET maintenance_state = 'needs_reconcile' WHERE domain = 'api.example.net'`);
  });

  it('enables maintenance on a site with a reason and disables it again, badge, notices and activity following', async () => {
    await page.goto(`${PANEL_URL}/admin/resources/CloudflareSite`);
    await badgeShows('shop.example.com', 'off');
    await badgeShows('docs.example.com', 'in maintenance');
    await badgeShows('status.example.org', 'inactive');
    await badgeShows('api.example.net', 'needs reconcile');

    await page.getByRole('row', { name: /shop\.example\.com/ }).getByTestId('property-list-domain').click();
    await confirmAction('enableMaintenance', 'payment provider migration');
    await page.getByTestId('notice-wrapper').getByText('shop.example.com is in maintenance.').waitFor();
    await page.getByTestId('maintenance-badge').getByText('in maintenance').waitFor();
    expect(suite.fake.pageRules(shop.zoneId)).toEqual([
      expect.objectContaining({ status: 'active', targets: [expect.objectContaining({ constraint: expect.objectContaining({ value: '*shop.example.com/*' }) })] }),
    ]);
    expect((await suite.ctx.logs.recent({ siteId: shop.siteId }))[0]).toMatchObject({ actor: `admin:${ADMIN_USER.email}`, reason: 'payment provider migration' });

    await confirmAction('disableMaintenance');
    await page.getByTestId('notice-wrapper').getByText('shop.example.com is out of maintenance.').waitFor();
    await page.getByTestId('maintenance-badge').getByText('off').waitFor();
    expect(suite.fake.pageRules(shop.zoneId)).toEqual([]);
    const activity = page.getByTestId('site-activity');
    await activity.getByText('payment provider migration').waitFor();
    expect(await activity.getByText(`admin:${ADMIN_USER.email}`).count()).toBe(2);

    await page.goto(`${PANEL_URL}/admin/resources/CloudflareSite`);
    await badgeShows('shop.example.com', 'off');
    await mkdir(new URL('.', SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT.pathname });
  });

  it('enables and disables maintenance on a selection of sites, with one notice for all', async () => {
    await page.goto(`${PANEL_URL}/admin/resources/CloudflareSite`);
    await select('blog.example.com', 'shop.example.com');

    await confirmAction('bulkEnable', 'release 7');
    await page.getByTestId('notice-wrapper').getByText('Enable maintenance on 2 site(s): 2 done, 0 unchanged, 0 failed.').waitFor();
    await badgeShows('blog.example.com', 'in maintenance');
    await badgeShows('shop.example.com', 'in maintenance');

    await select('blog.example.com', 'shop.example.com');
    await confirmAction('bulkDisable');
    await page.getByTestId('notice-wrapper').getByText('Disable maintenance on 2 site(s): 2 done, 0 unchanged, 0 failed.').waitFor();
    await badgeShows('shop.example.com', 'off');
    expect(suite.fake.pageRules(shop.zoneId)).toEqual([]);
  });

  it("discovers a new zone's site from the list page", async () => {
    suite.fake.addZone({ name: 'discovered.example.com' });

    await page.goto(`${PANEL_URL}/admin/resources/CloudflareSite`);
    await page.getByTestId('action-discoverSites').click();
    await page.getByTestId('action-confirm').click();

    await page.getByTestId('notice-wrapper').getByText(/^1 created, 0 updated, 5 unchanged/).waitFor();
    await page.getByRole('row', { name: /discovered\.example\.com/ }).waitFor();
  });

  it('shows the sites in maintenance and a chart of the days on the dashboard', async () => {
    await page.goto(`${PANEL_URL}/admin`);

    await page.getByTestId('dashboard-in-maintenance').getByText('docs.example.com').waitFor();
    expect(await page.getByTestId('per-day-chart').locator('rect').count()).toBeGreaterThan(0);
  });

  it('lists a window whose sites do not come out under "Windows failing to end" on the dashboard', async () => {
    const { site, zone } = await givenSite(suite.ctx, suite.fake, 'stuck.example.com');
    // Far enough ahead that the server's own scheduler leaves it to this test's passes.
    const start = new Date('2040-03-01T10:00:00Z');
    const end = new Date(start.getTime() + 30 * 60_000);
    await suite.ctx.schedules.create({ title: 'Stuck upgrade', sites: [site.domain], start, durationMinutes: 30 }, 'test');
    await suite.ctx.schedules.processDue(start);
    suite.fake.injectFault({ method: 'DELETE', path: new RegExp(`^/zones/${zone.id}/pagerules/`), times: Infinity, fault: 'success-false' });
    await suite.ctx.schedules.processDue(end);

    await page.goto(`${PANEL_URL}/admin`);
    const card = page.getByTestId('dashboard-end-failing');
    await card.getByText('Stuck upgrade').waitFor();
    expect(await card.innerText()).toMatch(/1 sites still in maintenance/);
    expect(await card.innerText()).toMatch(/stuck\.example\.com: .*delete rule 1 of 1/);

    suite.fake.clearFaults();
    await suite.ctx.schedules.processDue(new Date(end.getTime() + 60_000));
    await page.goto(`${PANEL_URL}/admin`);
    await page.getByTestId('dashboard-in-maintenance').waitFor();
    expect(await page.getByTestId('dashboard-end-failing').count()).toBe(0);
  });

  it('shows a bad domain or a javascript: URL beside its field and saves nothing', async () => {
    suite.fake.addZone({ name: 'new-site.example.com' });
    const before = await suite.dataSnapshot();

    await page.goto(`${PANEL_URL}/admin/resources/CloudflareSite/actions/new`);
    await page.locator('input[name="domain"]').fill('https://new-site.example.com/');
    await page.locator('input[name="maintenanceUrl"]').fill('javascript:alert(document.cookie)');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Invalid domain "https://new-site.example.com/"', { exact: false }).first().waitFor();
    expect(await fieldError('domain')).toMatch(/^Invalid domain "https:\/\/new-site.example.com\/": expected a registered domain name/);

    await page.locator('input[name="domain"]').fill('new-site.example.com');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('the scheme javascript: is not accepted', { exact: false }).first().waitFor();
    expect(await fieldError('maintenanceUrl')).toMatch(/^Invalid maintenance URL "javascript:alert\(document.cookie\)": the scheme javascript: is not accepted/);

    expect(await suite.dataSnapshot()).toEqual(before);
  });

  it('shows a window ending before it starts beside its end, saves nothing, then plans it once corrected', async () => {
    const before = await suite.dataSnapshot();

    await page.goto(`${PANEL_URL}/admin/resources/ScheduledMaintenance/actions/new`);
    await page.locator('input[name="title"]').fill('Browser window');
    await page.locator('textarea[name="sites"]').fill('shop.example.com');
    await page.locator('input[name="start"]').fill('2031-12-07 02:00');
    await page.locator('input[name="end"]').fill('2031-12-07 01:00');
    await page.locator('input[name="timezone"]').fill('Europe/Berlin');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('must be after the start', { exact: false }).first().waitFor();
    expect(await fieldError('end')).toMatch(/^The end \(Sunday 7 December 2031, 01:00 CET\) must be after the start/);
    expect(await suite.dataSnapshot()).toEqual(before);

    await page.locator('input[name="end"]').fill('2031-12-07 03:30');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('notice-wrapper').getByText('Planned "Browser window" for 1 sites.').waitFor();
  });

  // Last: it ends the session the other tests use.
  it("logs out from the panel's link only after the confirmation's button is pressed", async () => {
    await page.goto(`${PANEL_URL}/admin/logout`);
    await page.getByRole('heading', { name: 'Log out?' }).waitFor();
    expect((await page.context().cookies()).map((cookie) => cookie.name)).toContain('cfm_admin');

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${PANEL_URL}/admin/login`);
    await page.goto(`${PANEL_URL}/admin/resources/CloudflareSite`);
    expect(page.url()).toBe(`${PANEL_URL}/admin/login`);
  });
});

/** The message AdminJS shows right under a form field's input. */
async function fieldError(property: string): Promise<string> {
  return (await page.getByTestId(`property-edit-${property}`).last().locator(`input[name="${property}"] + div`).textContent()) ?? '';
}
