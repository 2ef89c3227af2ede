import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { CloudflareApiKey } from '../../src/api-keys/cloudflare-api-key.entity.js';
import { FakeCloudflare } from '../support/fake-cloudflare/index.js';
import { createTestContext, testEnv, type TestContext } from '../support/test-context.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const ACCOUNT_A = 'a1000000000000000000000000000001';
const ACCOUNT_B = 'b2000000000000000000000000000002';

let fake: FakeCloudflare;
let db: TestDatabase;
let ctx: TestContext;
let other: TestContext;
let tokens = 0;

/** A token the fake knows, unique per call so that tests do not share keys by accident. */
function newToken(init: { accountIds?: string[]; status?: 'active' | 'disabled' | 'expired' } = {}): string {
  const token = `api-keys-test-token-${String(++tokens).padStart(4, '0')}-abcdefghijkl`;
  fake.addToken({ token, ...init });
  return token;
}

async function defaults(): Promise<string[]> {
  const rows = await db.dataSource.getRepository(CloudflareApiKey).find({ where: { isDefault: true } });
  return rows.map((row) => row.name);
}

function stored(name: string) {
  return db.dataSource.getRepository(CloudflareApiKey).findOneByOrFail({ name });
}

beforeAll(async () => {
  fake = await FakeCloudflare.start();
  db = await createTestDatabase();
  const env = testEnv(db.url, fake.baseURL);
  ctx = await createTestContext(env);
  // A second, independent set of services with its own connection pool, as a second process would have.
  other = await createTestContext(env);
  fake.addZone({ name: 'in-account-a.com', accountId: ACCOUNT_A, accountName: 'Account A' });
  fake.addZone({ name: 'in-account-b.com', accountId: ACCOUNT_B, accountName: 'Account B' });
});

afterEach(() => {
  fake.clearFaults();
  expect(fake.violations()).toEqual([]);
});

afterAll(async () => {
  await other?.close();
  await ctx?.close();
  await db?.drop();
  await fake?.stop();
});

describe('adding a key', () => {
  it.each([
    ['unknown to Cloudflare', () => 'api-keys-test-unknown-token-abcdefghijkl', /Cloudflare rejected this API token \(.*Invalid API Token/],
    ['disabled', () => newToken({ status: 'disabled' }), /Cloudflare reports this API token as disabled; it was not saved/],
    ['expired', () => newToken({ status: 'expired' }), /Cloudflare reports this API token as expired; it was not saved/],
  ])('refuses a token that is %s and stores nothing', async (_case, token, message) => {
    const before = await db.snapshot();
    const value = token();

    const error = await ctx.apiKeys.add({ name: 'refused', token: value }).catch((caught: Error) => caught);

    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain(value);
    expect(await db.snapshot()).toEqual(before);
  });

  it('fills account_id in when the token sees exactly one account, and leaves it empty when it sees several', async () => {
    const single = await ctx.apiKeys.add({ name: 'single', token: newToken({ accountIds: [ACCOUNT_A] }) });
    const several = await ctx.apiKeys.add({ name: 'several', token: newToken() });

    expect(single).toMatchObject({ accountId: ACCOUNT_A, isDefault: true });
    expect(single.lastVerifiedAt).toBeInstanceOf(Date);
    expect(several).toMatchObject({ accountId: null, isDefault: false });
  });

  it('accepts an account-owned token, which the user verify endpoint refuses, when it can list its account', async () => {
    const token = newToken({ accountIds: [ACCOUNT_B] });
    fake.injectFault({ method: 'GET', path: '/user/tokens/verify', fault: { status: 401, code: 1000, message: 'Invalid API Token' } });

    const key = await ctx.apiKeys.add({ name: 'account-owned', token });

    expect(key.accountId).toBe(ACCOUNT_B);
    expect(fake.exchanges.slice(-2).map((exchange) => [exchange.path, exchange.status])).toEqual([
      ['/user/tokens/verify', 401],
      ['/accounts', 200],
    ]);
  });
});

describe('the default key', () => {
  it('stays single when two processes make different keys the default at the same moment, again and again', async () => {
    await ctx.apiKeys.add({ name: 'race-1', token: newToken() });
    await ctx.apiKeys.add({ name: 'race-2', token: newToken() });

    for (let round = 0; round < 8; round += 1) {
      const [first, second] = round % 2 ? ['race-1', 'race-2'] : ['race-2', 'race-1'];
      const results = await Promise.allSettled([ctx.apiKeys.setDefault(first), other.apiKeys.setDefault(second)]);

      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled']);
      const current = await defaults();
      expect(current).toHaveLength(1);
      expect(['race-1', 'race-2']).toContain(current[0]);
    }
  });

  it('stays single when two keys are added as the default at the same moment', async () => {
    await Promise.all([
      ctx.apiKeys.add({ name: 'added-1', token: newToken(), makeDefault: true }),
      other.apiKeys.add({ name: 'added-2', token: newToken(), makeDefault: true }),
    ]);

    const current = await defaults();
    expect(current).toHaveLength(1);
    expect(['added-1', 'added-2']).toContain(current[0]);
  });

  it('is enforced by the database even against a write that bypasses the service', async () => {
    await ctx.apiKeys.setDefault('race-1');
    await expect(
      db.dataSource.query(`UPDATE cloudflare_api_keys SET is_default = true WHERE name = 'race-2'`),
    ).rejects.toThrow(/cloudflare_api_keys_one_default/);
  });
});

describe('deactivate and activate', () => {
  it('takes a deactivated default out of service and leaves no default; activating verifies the token again', async () => {
    await ctx.apiKeys.add({ name: 'retiring', token: newToken(), makeDefault: true });

    const deactivation = await ctx.apiKeys.deactivate('retiring');

    expect(deactivation).toMatchObject({ wasDefault: true, siteCount: 0, key: { isActive: false, isDefault: false } });
    expect(await defaults()).toEqual([]);
    await expect(ctx.apiKeys.tokenFor(deactivation.key.id)).rejects.toThrow(/API key "retiring" is deactivated/);
    await expect(ctx.apiKeys.setDefault('retiring')).rejects.toThrow(/is deactivated; activate it .* first/);

    const activated = await ctx.apiKeys.activate('retiring');
    expect(activated).toMatchObject({ isActive: true, isDefault: false });
    expect(fake.exchanges.at(-2)?.path).toBe('/user/tokens/verify');
  });
});

describe('verify', () => {
  it("reports the token's status from Cloudflare and records when it was checked", async () => {
    const token = newToken({ accountIds: [ACCOUNT_A] });
    const key = await ctx.apiKeys.add({ name: 'checked', token });
    await db.dataSource.query(`UPDATE cloudflare_api_keys SET account_id = NULL, last_verified_at = NULL WHERE name = 'checked'`);

    const active = await ctx.apiKeys.verify('checked');
    expect(active).toMatchObject({ status: 'active', owner: 'user', key: { accountId: ACCOUNT_A } });
    expect(active.key.lastVerifiedAt).toBeInstanceOf(Date);

    fake.addToken({ token, accountIds: [ACCOUNT_A], status: 'expired' });
    const expired = await ctx.apiKeys.verify('checked');
    expect(expired).toMatchObject({ status: 'expired', detail: 'Cloudflare reports it as expired', key: { id: key.id } });
    expect(expired.key.lastVerifiedAt!.getTime()).toBeGreaterThanOrEqual(active.key.lastVerifiedAt!.getTime());
  });
});

describe('rotate', () => {
  it('replaces the token with a verified new one, and keeps the old one when the new one is refused', async () => {
    await ctx.apiKeys.add({ name: 'rotating', token: newToken({ accountIds: [ACCOUNT_A] }) });
    const { id } = await stored('rotating');
    const replacement = newToken({ accountIds: [ACCOUNT_B] });

    const rotated = await ctx.apiKeys.rotate('rotating', `${replacement}\n`);

    expect(rotated).toMatchObject({ token: `••••••••${replacement.slice(-4)}`, accountId: ACCOUNT_B });
    expect(await ctx.apiKeys.tokenFor(id)).toBe(replacement);
    const encrypted = await db.dataSource.query(`SELECT encrypted_token FROM cloudflare_api_keys WHERE id = $1`, [id]);
    expect(JSON.stringify(encrypted)).not.toContain(replacement);

    const before = await db.snapshot();
    const refused = newToken({ status: 'disabled' });
    await expect(ctx.apiKeys.rotate('rotating', refused)).rejects.toThrow(/reports this API token as disabled/);
    expect(await db.snapshot()).toEqual(before);
    expect(await ctx.apiKeys.tokenFor(id)).toBe(replacement);
  });
});

describe('remove', () => {
  it('refuses to delete a key still used by sites, naming how many, and deletes an unused one', async () => {
    await ctx.apiKeys.add({ name: 'in-use', token: newToken() });
    await ctx.sites.add({ domain: 'in-account-a.com', apiKeyName: 'in-use' });
    await ctx.sites.add({ domain: 'in-account-b.com', apiKeyName: 'in-use' });
    await ctx.apiKeys.add({ name: 'unused', token: newToken() });

    await expect(ctx.apiKeys.remove('in-use')).rejects.toThrow(/API key "in-use" is used by 2 sites and was not removed/);
    expect(await stored('in-use')).toBeDefined();
    expect((await stored('in-use')).lastUsedAt).toBeInstanceOf(Date);

    await ctx.apiKeys.remove('unused');
    expect(await db.dataSource.getRepository(CloudflareApiKey).existsBy({ name: 'unused' })).toBe(false);
    await expect(ctx.apiKeys.remove('unused')).rejects.toThrow(/Unknown API key "unused"/);
  });
});
