import { describe, expect, it } from '@jest/globals';
import { CloudflareApiKey } from '../../src/api-keys/cloudflare-api-key.entity.js';
import { CloudflareSite } from '../../src/sites/cloudflare-site.entity.js';
import { givenSite } from '../support/scenario.js';
import { serviceSuite } from '../support/service-suite.js';

const suite = serviceSuite();
const actor = 'test:operator';

const keys = () => suite.db.dataSource.getRepository(CloudflareApiKey);
const siteRow = (id: string) => suite.db.dataSource.getRepository(CloudflareSite).findOneByOrFail({ id });

/** Forgets when the key was last used, so that the next operation alone can set it. */
async function clearLastUsed(apiKeyId: string): Promise<void> {
  await keys().update({ id: apiKeyId }, { lastUsedAt: null });
}

async function lastUsed(apiKeyId: string): Promise<Date | null> {
  return (await keys().findOneByOrFail({ id: apiKeyId })).lastUsedAt;
}

describe('last_used_at of the key', () => {
  it('is set after a settings change re-applies the rules of a site in maintenance', async () => {
    const { site } = await givenSite(suite.ctx, suite.fake, 'usage-settings.com', { plan: 'pro' });
    await suite.ctx.maintenance.enableMaintenance(site, null, actor);
    await clearLastUsed(site.apiKeyId);

    const result = await suite.ctx.siteSettings.update(await siteRow(site.id), { subdomains: 'www' }, actor);

    expect(result.rulesReapplied).toBe(true);
    expect(await lastUsed(site.apiKeyId)).not.toBeNull();
  });

  it('is set after a reconcile repair', async () => {
    const { zone, site } = await givenSite(suite.ctx, suite.fake, 'usage-reconcile.com');
    await suite.ctx.maintenance.enableMaintenance(site, null, actor);
    const [ours] = (await siteRow(site.id)).maintenanceRules;
    suite.fake.deletePageRuleDirectly(zone.id, ours.id);
    await clearLastUsed(site.apiKeyId);

    const result = await suite.ctx.reconcile.reconcile(await siteRow(site.id), { actor });

    expect(result).toMatchObject({ outcome: 'repaired', repair: 'recreate' });
    expect(await lastUsed(site.apiKeyId)).not.toBeNull();
  });

  it('is left alone when the operation is refused', async () => {
    const { zone, site } = await givenSite(suite.ctx, suite.fake, 'usage-refused.com');
    await clearLastUsed(site.apiKeyId);
    suite.fake.injectFault({ method: 'POST', path: `/zones/${zone.id}/pagerules`, times: 1, fault: { status: 403, code: 10000, message: 'Authentication error' } });

    await expect(suite.ctx.maintenance.enableMaintenance(site, null, actor)).rejects.toMatchObject({ kind: 'cloudflare', code: '10000' });

    expect(await lastUsed(site.apiKeyId)).toBeNull();
  });
});

describe('changing the key of a site', () => {
  it('reports a failed check of the new key (HTTP 500) as the Cloudflare failure it is, not as "cannot see the zone"', async () => {
    const { zone, site } = await givenSite(suite.ctx, suite.fake, 'usage-rekey.com');
    suite.fake.addToken({ token: 'cf-second-token-0123456789abcdef01' });
    await suite.ctx.apiKeys.add({ name: 'second', token: 'cf-second-token-0123456789abcdef01' });
    suite.fake.injectFault({ method: 'GET', path: `/zones/${zone.id}`, times: Infinity, fault: { status: 500, code: 10001, message: 'Internal error' } });

    const refused = await suite.ctx.siteSettings.update(site, { apiKeyName: 'second' }, actor).catch((error: unknown) => error);

    expect(refused).toMatchObject({ kind: 'cloudflare' });
    expect(String(refused)).not.toMatch(/cannot see the zone/);
    expect((await siteRow(site.id)).apiKeyId).toBe(site.apiKeyId);
  });
});
