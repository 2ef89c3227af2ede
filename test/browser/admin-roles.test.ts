import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { AdminUsersService } from '../../src/admin-users/admin-users.service.js';
import { ScheduledMaintenance } from '../../src/schedules/scheduled-maintenance.entity.js';
import { ADMIN_USER, adminSuite } from '../support/admin-suite.js';
import { launchPanelBrowser, logInToPanel, PANEL_URL } from '../support/panel-browser.js';
import { givenSite } from '../support/scenario.js';

const suite = adminSuite({ publicUrl: PANEL_URL });
const VIEWER = { email: 'viewer@example.com', password: 'a viewer passphrase' };

let browser: Browser;
let shop: { siteId: string; zoneId: string };

beforeAll(async () => {
  browser = await launchPanelBrowser(suite.server.url);
  await new AdminUsersService(suite.db.dataSource).create({ ...VIEWER, role: 'viewer' });
  const { site, zone } = await givenSite(suite.ctx, suite.fake, 'shop.example.com', { siteName: 'Shop' });
  shop = { siteId: site.id, zoneId: zone.id };
});

afterAll(async () => {
  await browser?.close();
});

const loggedIn = (user: { email: string; password: string }): Promise<Page> => logInToPanel(browser, user);

describe('roles in the browser', () => {
  it('a viewer sees the site but no Enable, Disable, Sync or Reconcile button, nor the Users and API keys pages', async () => {
    const page = await loggedIn(VIEWER);
    await page.goto(`${PANEL_URL}/admin/resources/CloudflareSite/records/${shop.siteId}/show`);
    await page.getByTestId('maintenance-badge').getByText('off').waitFor();
    // What a viewer may do is there; what it may not is not.
    await page.getByTestId('action-liveStatus').first().waitFor({ state: 'attached' });
    for (const action of ['enableMaintenance', 'disableMaintenance', 'syncSite', 'reconcile', 'edit', 'delete']) {
      expect([action, await page.getByTestId(`action-${action}`).count()]).toEqual([action, 0]);
    }
    await page.goto(`${PANEL_URL}/admin/resources/CloudflareSite`);
    await page.getByRole('row', { name: /shop\.example\.com/ }).waitFor();
    expect(await page.getByTestId('action-new').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Users' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'API keys' }).count()).toBe(0);
  });

  it('an admin sees Enable, and enables maintenance for a set time from its form', async () => {
    const page = await loggedIn(ADMIN_USER);
    await page.goto(`${PANEL_URL}/admin/resources/CloudflareSite/records/${shop.siteId}/show`);
    await page.getByTestId('action-enableMaintenance').first().click();
    await page.locator('#action-input').fill('release 8');
    await page.locator('#action-input-for').fill('2h');
    await page.getByTestId('action-confirm').click();
    await page.getByTestId('notice-wrapper').getByText(/^In maintenance until .*: 1 enabled, 0 already in maintenance, 0 failed/).waitFor();
    const [window] = await suite.db.dataSource.getRepository(ScheduledMaintenance).find();
    expect(window).toMatchObject({ status: 'active', reason: 'release 8', createdBy: `admin:${ADMIN_USER.email}` });
    expect(window.endsAt.getTime() - window.startsAt.getTime()).toBe(2 * 3600_000);
    expect(suite.fake.pageRules(shop.zoneId)).toHaveLength(1);
  });
});
