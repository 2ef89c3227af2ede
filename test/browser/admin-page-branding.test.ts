import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { CloudflareSite } from '../../src/sites/cloudflare-site.entity.js';
import { ADMIN_USER, adminSuite } from '../support/admin-suite.js';
import { pageWithin } from '../support/maintenance-page.js';
import { launchPanelBrowser, logInToPanel, PANEL_URL } from '../support/panel-browser.js';
import { givenSite } from '../support/scenario.js';

const suite = adminSuite({ publicUrl: PANEL_URL });

let browser: Browser;
let page: Page;
let siteId: string;

beforeAll(async () => {
  browser = await launchPanelBrowser(suite.server.url);
  page = await logInToPanel(browser, ADMIN_USER, 1200);
  ({ site: { id: siteId } } = await givenSite(suite.ctx, suite.fake, 'branded.example.com', { siteName: 'Branded' }));
});

afterAll(async () => {
  await browser?.close();
});

/** The message AdminJS shows right under a form field's input. */
async function fieldError(property: string): Promise<string> {
  return (await page.getByTestId(`property-edit-${property}`).last().locator(`input[name="${property}"] + div`).textContent()) ?? '';
}

const preview = () => page.frameLocator('[data-testid="page-preview"]');

describe("the site edit form's maintenance page branding", () => {
  it('re-renders the live preview as the title and colours are typed, and names a bad colour under the preview', async () => {
    await page.goto(`${PANEL_URL}/admin/resources/CloudflareSite/records/${siteId}/edit`);
    await preview().getByRole('heading', { name: 'Branded is down for maintenance' }).waitFor();

    await page.locator('input[name="pageTitle"]').fill('Closed for stocktaking');
    await preview().getByRole('heading', { name: 'Closed for stocktaking' }).waitFor();
    await page.locator('input[name="pagePrimaryColor"]').fill('#ff6600');
    await page.waitForFunction(() => document.querySelector('[data-testid="page-preview"]')?.getAttribute('srcdoc')?.includes('border-top:4px solid #ff6600'));

    await page.locator('input[name="pageTextColor"]').fill('black');
    await page.getByTestId('page-preview-error').getByText('The text colour "black" is not a colour', { exact: false }).waitFor();
    // The last page it could render stays.
    await preview().getByRole('heading', { name: 'Closed for stocktaking' }).waitFor();
  });

  it('shows an invalid colour beside its field on save and saves nothing, then saves the corrected branding', async () => {
    const before = await suite.dataSnapshot();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('property-edit-pageTextColor').getByText('is not a colour', { exact: false }).waitFor();
    expect(await fieldError('pageTextColor')).toBe('The text colour "black" is not a colour: expected #rgb or #rrggbb in hexadecimal, e.g. #1a73e8.');
    expect(await suite.dataSnapshot()).toEqual(before);

    await page.locator('input[name="pageTextColor"]').fill('#222');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('notice-wrapper').getByText('Saved branded.example.com: page branding changed.').waitFor();
    const saved = await suite.db.dataSource.getRepository(CloudflareSite).findOneByOrFail({ id: siteId });
    expect(saved.pageBranding).toEqual({ title: 'Closed for stocktaking', primaryColor: '#ff6600', textColor: '#222' });
    await pageWithin(suite.server.url, 'branded.example.com', (html) => html.includes('<h1>Closed for stocktaking</h1>'));
  });

  it('refuses a template with a script beside the template field', async () => {
    await page.goto(`${PANEL_URL}/admin/resources/CloudflareSite/records/${siteId}/edit`);
    await page.locator('textarea[name="pageTemplate"]').fill('<p>{{message}}</p><script>alert(1)</script>');
    await page.getByTestId('page-preview-error').getByText('The page template contains <script>', { exact: false }).waitFor();
    const before = await suite.dataSnapshot();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('property-edit-pageTemplate').getByText('scripts cannot be used on the maintenance page', { exact: false }).waitFor();
    expect(await suite.dataSnapshot()).toEqual(before);
  });
});
