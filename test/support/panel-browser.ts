import { type Browser, chromium, type Page } from 'playwright-core';

/**
 * Where the browser tests reach the panel: plain http, as on a workstation (no TLS proxy, so the session cookie
 * is not Secure), under PUBLIC_URL (the only origin whose forms the server accepts), resolved to the test's server.
 */
export const PANEL_URL = 'http://maintenance.test';

/** Debian's Chromium, headless, resolving PANEL_URL's host to the server under test. */
export function launchPanelBrowser(serverUrl: string): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      `--host-resolver-rules=MAP ${new URL(PANEL_URL).host} ${new URL(serverUrl).host}`,
    ],
  });
}

/** A page of a new browser context, logged in to the panel as this user and showing the dashboard. */
export async function logInToPanel(browser: Browser, user: { email: string; password: string }, height = 900): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1440, height } })).newPage();
  // The page asks for Google's fonts; answer at once rather than wait on a network the test may not have.
  await page.route(/fonts\.googleapis\.com/, (route) => route.fulfill({ status: 200, contentType: 'text/css', body: '' }));
  await page.goto(`${PANEL_URL}/admin/login`);
  await page.getByPlaceholder('Email').fill(user.email);
  await page.getByPlaceholder('Password').fill(user.password);
  await page.getByRole('button', { name: 'Login' }).click();
  await page.getByTestId('dashboard').waitFor();
  return page;
}
