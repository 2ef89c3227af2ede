import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { AdminUsersService } from '../../src/admin-users/admin-users.service.js';
import { MaintenanceLog } from '../../src/logs/maintenance-log.entity.js';
import { PageDefaultsStore } from '../../src/maintenance-page/page-defaults.store.js';
import { ADMIN_USER, adminSuite } from '../support/admin-suite.js';
import { pageWithin } from '../support/maintenance-page.js';
import { launchPanelBrowser, logInToPanel, PANEL_URL } from '../support/panel-browser.js';
import { givenSite } from '../support/scenario.js';

const suite = adminSuite({ publicUrl: PANEL_URL });
const VIEWER = { email: 'viewer@example.com', password: 'a viewer passphrase' };

let browser: Browser;

beforeAll(async () => {
  browser = await launchPanelBrowser(suite.server.url);
  await new AdminUsersService(suite.db.dataSource).create({ ...VIEWER, role: 'viewer' });
  await givenSite(suite.ctx, suite.fake, 'plain.example.com', { siteName: 'Plain' });
});

afterAll(async () => {
  await browser?.close();
});

const loggedIn = (user: { email: string; password: string }): Promise<Page> => logInToPanel(browser, user, 1200);

const preview = (page: Page) => page.frameLocator('[data-testid="page-preview"]');
const savedDefault = () => new PageDefaultsStore(suite.db.dataSource).get();
const defaultAuditRows = () => suite.db.dataSource.getRepository(MaintenanceLog).find({ where: { action: 'settings', domain: '*' }, order: { createdAt: 'ASC' } });

/** The message under a field of the default's form. */
async function fieldError(page: Page, property: string): Promise<string> {
  return (await page.locator(`input[name="${property}"] + div`).textContent()) ?? '';
}

describe('the default maintenance page in the admin panel', () => {
  let admin: Page;
  beforeAll(async () => {
    admin = await loggedIn(ADMIN_USER);
  });

  it('is opened from the navigation, re-renders the preview as the title is typed, and saves what a site without branding then shows', async () => {
    await admin.getByText('Settings', { exact: true }).waitFor();
    await admin.getByRole('link', { name: 'Default maintenance page' }).click();
    await admin.getByRole('heading', { name: 'Default maintenance page' }).waitFor();
    await preview(admin).getByRole('heading', { name: 'example.com is down for maintenance' }).waitFor();

    await admin.locator('input[name="pageTitle"]').fill('We are upgrading');
    await preview(admin).getByRole('heading', { name: 'We are upgrading' }).waitFor();
    await admin.locator('input[name="pagePrimaryColor"]').fill('#0055AA');
    await admin.waitForFunction(() => document.querySelector('[data-testid="page-preview"]')?.getAttribute('srcdoc')?.includes('#0055AA'.toLowerCase()));

    await admin.getByRole('button', { name: 'Save' }).click();
    await admin.getByTestId('notice-wrapper').getByText('Saved the default maintenance page.').waitFor();
    expect(await savedDefault()).toEqual({ title: 'We are upgrading', primaryColor: '#0055aa' });
    await pageWithin(suite.server.url, 'plain.example.com', (html) => html.includes('<h1>We are upgrading</h1>') && html.includes('#0055aa'));

    const [row] = await defaultAuditRows();
    expect(row).toMatchObject({
      siteId: null,
      outcome: 'success',
      actor: `admin:${ADMIN_USER.email}`,
      reason: 'default page title (none) → "We are upgrading"; default page primary colour (none) → #0055aa',
    });

    // Opened again, the form and its preview hold what was saved.
    await admin.reload();
    await preview(admin).getByRole('heading', { name: 'We are upgrading' }).waitFor();
    await expect(admin.locator('input[name="pageTitle"]').inputValue()).resolves.toBe('We are upgrading');
  });

  it('shows a bad colour beside its field and saves nothing', async () => {
    await admin.locator('input[name="pageTextColor"]').fill('dark grey');
    await admin.getByTestId('page-preview-error').getByText('The text colour "dark grey" is not a colour', { exact: false }).waitFor();
    const before = await suite.dataSnapshot();
    await admin.getByRole('button', { name: 'Save' }).click();
    await admin.getByTestId('notice-wrapper').getByText('is not a colour', { exact: false }).waitFor();
    expect(await fieldError(admin, 'pageTextColor')).toBe('The text colour "dark grey" is not a colour: expected #rgb or #rrggbb in hexadecimal, e.g. #1a73e8.');
    expect(await suite.dataSnapshot()).toEqual(before);
    expect(await defaultAuditRows()).toHaveLength(1);
    // The preview keeps the last page it could render.
    await preview(admin).getByRole('heading', { name: 'We are upgrading' }).waitFor();
  });

  it('is read-only to a viewer, and the server refuses a save posted from a viewer session', async () => {
    const viewer = await loggedIn(VIEWER);
    await viewer.goto(`${PANEL_URL}/admin/pages/pageDefault`);
    await viewer.getByText('Your role (viewer) or your sites do not allow changing the default', { exact: false }).waitFor();
    await expect(viewer.locator('input[name="pageTitle"]').inputValue()).resolves.toBe('We are upgrading');
    expect(await viewer.locator('input[name="pageTitle"]').isDisabled()).toBe(true);
    expect(await viewer.getByRole('button', { name: 'Save' }).count()).toBe(0);

    const before = await suite.dataSnapshot();
    const answer = await viewer.evaluate(async () => {
      const response = await fetch('/admin/api/pages/pageDefault', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ pageTitle: 'Hijacked' }),
      });
      return { status: response.status, body: (await response.json()) as { message: string } };
    });
    expect(answer).toEqual({
      status: 403,
      body: {
        statusCode: 403,
        message: 'Your role (viewer) or your sites do not allow changing the default: it applies to every site, so only an admin of every site may change it.',
      },
    });
    expect(await suite.dataSnapshot()).toEqual(before);
  });
});
