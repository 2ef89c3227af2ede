import type { FakeCloudflare, FakeZoneInit } from './fake-cloudflare/index.js';
import type { TestContext } from './test-context.js';

export const TEST_TOKEN = 'cf-test-token-7b1d0c9e4a2f58e3d6c1b0a9';

/** Builders for the common test setup: a token the fake accepts, stored as the default key. */
export async function givenDefaultKey(ctx: TestContext, fake: FakeCloudflare, token = TEST_TOKEN, name = 'primary') {
  fake.addToken({ token });
  return ctx.apiKeys.add({ name, token, makeDefault: true });
}

export interface GivenSiteOptions extends Omit<FakeZoneInit, 'name'> {
  /** The site's name (the zone's is its domain). */
  siteName?: string;
  subdomains?: string;
  maintenanceUrl?: string;
  apiKeyName?: string;
}

/** A zone in the fake and the matching site in our database. */
export async function givenSite(ctx: TestContext, fake: FakeCloudflare, domain: string, options: GivenSiteOptions = {}) {
  const { siteName, subdomains, maintenanceUrl, apiKeyName, ...zone } = options;
  const fakeZone = fake.addZone({ name: domain, ...zone });
  const site = await ctx.sites.add({ domain, name: siteName, subdomains, maintenanceUrl, apiKeyName });
  return { zone: fakeZone, site };
}

export function forwardingAction(url: string) {
  return { id: 'forwarding_url', value: { url, status_code: 302 } };
}
