import { describe, it, expect, beforeAll, afterAll, beforeEach } from '@jest/globals';
import Cloudflare from 'cloudflare';
import { FakeCloudflare, realmSafeFetch, type FakeZone } from '../support/fake-cloudflare/index.js';

const TOKEN = 'fake-token-0123456789abcdefghijklmnopqrstu';
const MAINTENANCE_URL = 'https://maintenance.example.net/';
const FORWARD = [{ id: 'forwarding_url' as const, value: { url: MAINTENANCE_URL, status_code: 302 as const } }];

let fake: FakeCloudflare;
let zone: FakeZone;

function client(options: { token?: string; timeout?: number } = {}): Cloudflare {
  return new Cloudflare({
    apiToken: options.token ?? TOKEN,
    apiKey: null,
    apiEmail: null,
    userServiceKey: null,
    baseURL: fake.baseURL,
    maxRetries: 0,
    timeout: options.timeout ?? 10_000,
    fetch: realmSafeFetch,
  });
}

function target(value: string) {
  return [{ target: 'url' as const, constraint: { operator: 'matches' as const, value } }];
}

async function rawFetch(path: string, init: RequestInit = {}) {
  const res = await fetch(`${fake.baseURL}${path}`, init);
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
}

/** Runs the call and returns what it threw (fails the test if it did not throw). */
async function thrown(call: () => Promise<unknown>): Promise<any> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  fake = await FakeCloudflare.start();
});

afterAll(async () => {
  await fake.stop();
});

beforeEach(() => {
  fake.reset();
  fake.setLatency(0);
  fake.setRateLimit(undefined);
  fake.addToken({ token: TOKEN });
  zone = fake.addZone({ name: 'example.com' });
});

describe('FakeCloudflare: tokens and authentication', () => {
  it('verifies an active token, and reports the status of a disabled one with 200', async () => {
    fake.addToken({ token: 'disabled-token', status: 'disabled' });
    const active = await client().user.tokens.verify();
    expect(active.status).toBe('active');
    expect(active.id).toMatch(/^[0-9a-f]{32}$/);
    const disabled = await client({ token: 'disabled-token' }).user.tokens.verify();
    expect(disabled.status).toBe('disabled');
  });

  it('refuses every other call of a disabled token with 403/9109', async () => {
    fake.addToken({ token: 'expired-token', status: 'expired' });
    const error = await thrown(() => client({ token: 'expired-token' }).zones.get({ zone_id: zone.id }));
    expect(error).toBeInstanceOf(Cloudflare.PermissionDeniedError);
    expect(error.errors[0].code).toBe(9109);
  });

  it('answers an unknown token with 403/9109, and 401/1000 on verify', async () => {
    const error = await thrown(() => client({ token: 'nobody' }).zones.get({ zone_id: zone.id }));
    expect(error.status).toBe(403);
    expect(error.errors[0]).toEqual({ code: 9109, message: 'Invalid access token' });
    const verify = await thrown(() => client({ token: 'nobody' }).user.tokens.verify());
    expect(verify).toBeInstanceOf(Cloudflare.AuthenticationError);
    expect(verify.errors[0].code).toBe(1000);
  });

  it('answers a malformed or missing Authorization header with 400/6003 and a 6111 error chain', async () => {
    const variants: Array<Record<string, string>> = [{ Authorization: 'Token abc' }, { Authorization: 'Bearer two words' }, {}];
    for (const headers of variants) {
      const res = await rawFetch('/zones', { headers });
      expect(res.status).toBe(400);
      expect(res.body.success).toBe(false);
      expect(res.body.errors[0].code).toBe(6003);
      expect(res.body.errors[0].error_chain[0].code).toBe(6111);
    }
  });

  it('records every exchange with the Authorization header redacted', async () => {
    await client().zones.get({ zone_id: zone.id });
    const last = fake.exchanges.at(-1);
    expect(last).toMatchObject({ method: 'GET', path: `/zones/${zone.id}`, status: 200 });
    expect(last?.headers.authorization).toBe('[redacted]');
    expect(JSON.stringify(fake.exchanges)).not.toContain(TOKEN);
  });
});

describe('FakeCloudflare: zones', () => {
  it('lists 120 zones through the SDK auto-pagination, ending on an empty page', async () => {
    fake.reset();
    fake.addToken({ token: TOKEN });
    for (let i = 0; i < 120; i += 1) fake.addZone({ name: `site-${String(i).padStart(3, '0')}.example.com` });
    const ids = new Set<string>();
    for await (const z of client().zones.list({ per_page: 50 })) ids.add(z.id);
    expect(ids.size).toBe(120);
    const pages = fake.exchanges.filter((e) => e.path === '/zones');
    expect(pages.map((e) => e.query.page ?? '1')).toEqual(['1', '2', '3', '4']);
    const last = pages.at(-1)?.responseBody as { result: unknown[]; result_info: { total_pages: number } };
    expect(last.result).toEqual([]);
    expect(last.result_info.total_pages).toBe(3);
    expect(fake.violations()).toEqual([]);
  });

  it('returns zones with the required fields and the zone quota in meta.page_rule_quota', async () => {
    const pro = fake.addZone({ name: 'shop.example.org', plan: 'pro', accountName: 'Acme' });
    const got = await client().zones.get({ zone_id: pro.id });
    expect(got).toMatchObject({ id: pro.id, name: 'shop.example.org', status: 'active', paused: false });
    expect(got.meta?.page_rule_quota).toBe(20);
    expect(got.account).toEqual({ id: pro.accountId, name: 'Acme' });
    expect(fake.violations()).toEqual([]);
  });

  it('filters by exact name and by the documented operators', async () => {
    fake.addZone({ name: 'example.org' });
    fake.addZone({ name: 'other.net' });
    const exact = await client().zones.list({ name: 'example.org' });
    expect(exact.result.map((z) => z.name)).toEqual(['example.org']);
    const contains = await client().zones.list({ name: 'contains:example' });
    expect(contains.result.map((z) => z.name).sort()).toEqual(['example.com', 'example.org']);
  });

  it('orders zones by name by default and honours order/direction', async () => {
    fake.addZone({ name: 'alpha.example.org' });
    fake.addZone({ name: 'zulu.example.org' });
    const byName = await client().zones.list();
    expect(byName.result.map((z) => z.name)).toEqual(['alpha.example.org', 'example.com', 'zulu.example.org']);
    const desc = await client().zones.list({ order: 'name', direction: 'desc' });
    expect(desc.result.map((z) => z.name)).toEqual(['zulu.example.org', 'example.com', 'alpha.example.org']);
    expect(fake.violations()).toEqual([]);
  });

  it('lists only the accounts a token may act on', async () => {
    fake.addZone({ name: 'b.example.org', accountId: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', accountName: 'Beta' });
    fake.addToken({ token: 'beta-only', accountIds: ['bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'] });
    const all = await client().accounts.list();
    expect(all.result.map((a) => a.name).sort()).toEqual(['Beta', 'Fake Account']);
    const scoped = await client({ token: 'beta-only' }).accounts.list();
    expect(scoped.result.map((a) => a.id)).toEqual(['bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb']);
    expect(fake.violations()).toEqual([]);
  });

  it('rejects per_page outside 5..50 with 400/1001 (and records the request as non-conforming)', async () => {
    const error = await thrown(() => client().zones.list({ per_page: 100 }));
    expect(error).toBeInstanceOf(Cloudflare.BadRequestError);
    expect(error.errors[0].code).toBe(1001);
    expect(fake.violations().some((v) => v.includes('per_page'))).toBe(true);
  });

  it('shows a token only the zones of its accounts; other accounts answer 403/10000, unknown ids 404/7003', async () => {
    const mine = fake.addZone({ name: 'mine.example.org', accountId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' });
    fake.addToken({ token: 'scoped', accountIds: ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'] });
    const listed = await client({ token: 'scoped' }).zones.list();
    expect(listed.result.map((z) => z.id)).toEqual([mine.id]);

    const denied = await thrown(() => client({ token: 'scoped' }).zones.get({ zone_id: zone.id }));
    expect(denied.status).toBe(403);
    expect(denied.errors[0].code).toBe(10000);

    const unknown = await thrown(() => client().zones.get({ zone_id: '0'.repeat(32) }));
    expect(unknown).toBeInstanceOf(Cloudflare.NotFoundError);
    expect(unknown.errors[0].code).toBe(7003);
    expect(fake.violations()).toEqual([]);
  });
});

describe('FakeCloudflare: Page Rules', () => {
  it('creates a rule as disabled with priority 1 when status and priority are omitted', async () => {
    const rule = await client().pageRules.create({ zone_id: zone.id, targets: target('example.com/*'), actions: FORWARD });
    expect(rule.status).toBe('disabled');
    expect(rule.priority).toBe(1);
    expect(fake.pageRules(zone.id)).toEqual([expect.objectContaining({ id: rule.id, status: 'disabled' })]);
  });

  it('refuses a second rule on the same target with 400/1004', async () => {
    const cf = client();
    await cf.pageRules.create({ zone_id: zone.id, targets: target('*example.com/*'), actions: FORWARD, status: 'active' });
    const error = await thrown(() =>
      cf.pageRules.create({ zone_id: zone.id, targets: target('*example.com/*'), actions: FORWARD, status: 'active' }),
    );
    expect(error).toBeInstanceOf(Cloudflare.BadRequestError);
    expect(error.errors[0]).toEqual({ code: 1004, message: 'Page Rule validation failed: See messages for details.' });
    expect(JSON.stringify(error.error.messages)).toContain('distinctTargetUrl');
    expect(fake.pageRules(zone.id)).toHaveLength(1);
  });

  it('refuses a rule over the zone quota (free: 3), counting disabled rules too', async () => {
    const cf = client();
    for (const path of ['a', 'b', 'c']) {
      await cf.pageRules.create({ zone_id: zone.id, targets: target(`example.com/${path}/*`), actions: FORWARD });
    }
    const error = await thrown(() =>
      cf.pageRules.create({ zone_id: zone.id, targets: target('example.com/d/*'), actions: FORWARD }),
    );
    expect(error.status).toBe(400);
    expect(error.errors[0].code).toBe(1004);
    expect(JSON.stringify(error.error.messages)).toContain('maximum number of Page Rules');
    expect(fake.pageRules(zone.id)).toHaveLength(3);
  });

  it.each([
    ['a status code other than 301/302', target('example.com/*'), [{ id: 'forwarding_url', value: { url: MAINTENANCE_URL, status_code: 307 } }]],
    ['a forwarding URL that is not http(s)', target('example.com/*'), [{ id: 'forwarding_url', value: { url: 'ftp://x.example/', status_code: 302 } }]],
    ['forwarding_url combined with another action', target('example.com/*'), [...FORWARD, { id: 'always_use_https' }]],
    ['an unknown action', target('example.com/*'), [{ id: 'make_coffee' }]],
    ['no actions', target('example.com/*'), []],
    ['a target outside the zone', target('example.org/*'), FORWARD],
    ['two targets', [...target('example.com/a'), ...target('example.com/b')], FORWARD],
  ])('refuses %s with 400/1004', async (_what, targets, actions) => {
    const error = await thrown(() =>
      client().pageRules.create({ zone_id: zone.id, targets, actions: actions as typeof FORWARD, status: 'active' }),
    );
    expect(error.status).toBe(400);
    expect(error.errors[0].code).toBe(1004);
    expect(error.error.messages.length).toBeGreaterThan(0);
    expect(fake.pageRules(zone.id)).toEqual([]);
  });

  it('gets, edits (PATCH), updates (PUT) and deletes a rule', async () => {
    const cf = client();
    const created = await cf.pageRules.create({ zone_id: zone.id, targets: target('example.com/*'), actions: FORWARD, priority: 4 });
    expect((await cf.pageRules.get(created.id, { zone_id: zone.id })).priority).toBe(4);

    const edited = await cf.pageRules.edit(created.id, { zone_id: zone.id, status: 'active' });
    expect(edited).toMatchObject({ status: 'active', priority: 4 });

    // PUT replaces the whole rule: what it omits falls back to the defaults, status "disabled" included.
    const replaced = await cf.pageRules.update(created.id, { zone_id: zone.id, targets: target('example.com/x/*'), actions: FORWARD });
    expect(replaced).toMatchObject({ status: 'disabled', priority: 1 });
    expect(fake.pageRules(zone.id)[0]?.targetValue).toBe('example.com/x/*');

    expect(await cf.pageRules.delete(created.id, { zone_id: zone.id })).toEqual({ id: created.id });
    const gone = await thrown(() => cf.pageRules.get(created.id, { zone_id: zone.id }));
    expect(gone).toBeInstanceOf(Cloudflare.NotFoundError);
    expect(gone.errors[0].code).toBe(1002);
    expect(fake.violations()).toEqual([]);
  });

  it('lists every rule at once, highest priority first, and filters by status only when asked', async () => {
    const low = fake.addPageRule(zone.id, { targetValue: 'example.com/low/*', actions: FORWARD, priority: 1 });
    const high = fake.addPageRule(zone.id, { targetValue: 'example.com/high/*', actions: FORWARD, priority: 9 });
    const off = fake.addPageRule(zone.id, { targetValue: 'example.com/off/*', actions: FORWARD, priority: 5, status: 'disabled' });
    const cf = client();
    expect((await cf.pageRules.list({ zone_id: zone.id })).map((r) => r.id)).toEqual([high.id, off.id, low.id]);
    expect((await cf.pageRules.list({ zone_id: zone.id, direction: 'asc' })).map((r) => r.id)).toEqual([low.id, off.id, high.id]);
    expect((await cf.pageRules.list({ zone_id: zone.id, status: 'active' })).map((r) => r.id)).toEqual([high.id, low.id]);
    expect(fake.violations()).toEqual([]);
  });

  it('sees a rule deleted by hand as gone', async () => {
    const rule = fake.addPageRule(zone.id, { targetValue: 'example.com/*', actions: FORWARD });
    fake.deletePageRuleDirectly(zone.id, rule.id);
    const error = await thrown(() => client().pageRules.get(rule.id, { zone_id: zone.id }));
    expect(error.status).toBe(404);
    expect(() => fake.addPageRule(zone.id, { targetValue: 'example.com/*', actions: FORWARD })).not.toThrow();
    expect(() => fake.addPageRule(zone.id, { targetValue: 'example.com/*', actions: FORWARD })).toThrow(/distinctTargetUrl/);
  });

  it('answers a body that is not JSON with 400/6007 and records the violation', async () => {
    const res = await rawFetch(`/zones/${zone.id}/pagerules`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: '{"targets": [',
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].code).toBe(6007);
    expect(fake.violations()).toEqual([expect.stringContaining('not valid JSON')]);
  });
});

describe('FakeCloudflare: winningRule', () => {
  it('applies the highest-priority active matching rule', () => {
    const userRule = fake.addPageRule(zone.id, { targetValue: '*example.com/*', actions: [{ id: 'always_use_https' }], priority: 1 });
    const ours = fake.addPageRule(zone.id, { targetValue: 'example.com/*', actions: FORWARD, priority: 2 });
    fake.addPageRule(zone.id, { targetValue: 'www.example.com/*', actions: FORWARD, priority: 3, status: 'disabled' });
    expect(fake.winningRule(zone.id, 'https://example.com/')?.id).toBe(ours.id);
    expect(fake.winningRule(zone.id, 'https://www.example.com/')?.id).toBe(userRule.id);
    expect(fake.winningRule(zone.id, 'https://example.org/')).toBeUndefined();
  });

  it('lets the older rule win a priority tie', () => {
    const older = fake.addPageRule(zone.id, { targetValue: '*example.com/*', actions: FORWARD, priority: 5 });
    fake.addPageRule(zone.id, { targetValue: 'example.com/*', actions: FORWARD, priority: 5 });
    expect(fake.winningRule(zone.id, 'https://example.com/')?.id).toBe(older.id);
  });

  it('applies nothing on a paused zone', () => {
    fake.addPageRule(zone.id, { targetValue: '*example.com/*', actions: FORWARD });
    expect(fake.winningRule(zone.id, 'https://example.com/')).toBeDefined();
    fake.updateZone(zone.id, { paused: true });
    expect(fake.winningRule(zone.id, 'https://example.com/')).toBeUndefined();
  });
});

describe('FakeCloudflare: rate limit', () => {
  it('answers 429 with retry-after once a token is over budget, and keeps blocking it for the window', async () => {
    fake.setRateLimit({ requests: 3, windowSeconds: 60 });
    fake.addToken({ token: 'other' });
    const cf = client();
    for (let i = 0; i < 3; i += 1) await cf.zones.get({ zone_id: zone.id });
    const error = await thrown(() => cf.pageRules.list({ zone_id: zone.id }));
    expect(error).toBeInstanceOf(Cloudflare.RateLimitError);
    expect(error.headers.get('retry-after')).toBe('60');
    expect(error.errors[0].code).toBe(971);
    await thrown(() => cf.user.tokens.verify());
    expect(fake.count429()).toBe(2);
    await expect(client({ token: 'other' }).zones.get({ zone_id: zone.id })).resolves.toBeDefined();
    expect(fake.violations()).toEqual([]);
  });
});

describe('FakeCloudflare: injected faults', () => {
  it("'reset' drops the connection: APIConnectionError", async () => {
    fake.injectFault({ path: '/zones', fault: 'reset' });
    const error = await thrown(() => client().zones.list());
    expect(error).toBeInstanceOf(Cloudflare.APIConnectionError);
    expect(error).not.toBeInstanceOf(Cloudflare.APIConnectionTimeoutError);
  });

  it("'timeout' never answers: APIConnectionTimeoutError with a short SDK timeout", async () => {
    fake.injectFault({ method: 'GET', path: /\/pagerules$/, fault: 'timeout' });
    const error = await thrown(() => client({ timeout: 300 }).pageRules.list({ zone_id: zone.id }));
    expect(error).toBeInstanceOf(Cloudflare.APIConnectionTimeoutError);
  });

  it("'invalid-json' answers 200 with a truncated body the SDK cannot parse", async () => {
    fake.injectFault({ fault: 'invalid-json' });
    const error = await thrown(() => client().zones.get({ zone_id: zone.id }));
    expect(error.name).toBe('SyntaxError'); // thrown by fetch's own realm, so not instanceof the test's SyntaxError
    expect(error).not.toBeInstanceOf(Cloudflare.APIError);
    expect(fake.exchanges.at(-1)?.status).toBe(200);
  });

  it("'success-false' answers HTTP 200 with success:false, which the SDK does not throw on", async () => {
    fake.injectFault({ path: `/zones/${zone.id}/pagerules`, fault: 'success-false' });
    const response = await client().pageRules.list({ zone_id: zone.id }).asResponse();
    expect(response.status).toBe(200);
    const body = (await response.json()) as { success: boolean; errors: Array<{ code: number }>; result: unknown };
    expect(body.success).toBe(false);
    expect(body.errors[0]?.code).toBeGreaterThanOrEqual(1000);
    expect(body.result).toBeNull();
  });

  it("'bad-gateway-html' answers 502 with an HTML page, as a proxy whose origin failed would", async () => {
    fake.injectFault({ method: 'GET', path: `/zones/${zone.id}`, fault: 'bad-gateway-html' });
    const response = await fetch(`${fake.baseURL}/zones/${zone.id}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(await response.text()).toMatch(/^<html>.*502 Bad Gateway/);
    expect(fake.violations()).toEqual([]);
    await expect(client().zones.get({ zone_id: zone.id })).resolves.toMatchObject({ id: zone.id });
  });

  it('a status fault answers a conforming failure envelope, with retry-after when given', async () => {
    fake.injectFault({ method: 'POST', fault: { status: 503, retryAfterSeconds: 7 } });
    const error = await thrown(() =>
      client().pageRules.create({ zone_id: zone.id, targets: target('example.com/*'), actions: FORWARD, status: 'active' }),
    );
    expect(error).toBeInstanceOf(Cloudflare.InternalServerError);
    expect(error.status).toBe(503);
    expect(error.headers.get('retry-after')).toBe('7');
    expect(error.error).toMatchObject({ success: false, messages: [], result: null });
    expect(fake.pageRules(zone.id)).toEqual([]);
    expect(fake.violations()).toEqual([]);
  });

  it('honours skip and times, then lets requests through again', async () => {
    fake.injectFault({ path: `/zones/${zone.id}`, skip: 1, times: 2, fault: { status: 500, code: 1234, message: 'boom' } });
    const cf = client();
    const outcomes: Array<number | string> = [];
    for (let i = 0; i < 4; i += 1) {
      outcomes.push(await cf.zones.get({ zone_id: zone.id }).then(() => 'ok', (e: { status: number }) => e.status));
    }
    expect(outcomes).toEqual(['ok', 500, 500, 'ok']);
    expect(fake.exchanges[1]?.responseBody).toMatchObject({ errors: [{ code: 1234, message: 'boom' }] });
  });

  it('clearFaults removes pending faults', async () => {
    fake.injectFault({ fault: { status: 500 }, times: Infinity });
    fake.clearFaults();
    await expect(client().zones.get({ zone_id: zone.id })).resolves.toMatchObject({ id: zone.id });
  });

  it('applies latency before answering', async () => {
    fake.setLatency(150);
    const started = Date.now();
    await client().zones.get({ zone_id: zone.id });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('stop() closes sockets held by a timeout fault', async () => {
    const other = await FakeCloudflare.start();
    other.addToken({ token: TOKEN });
    other.injectFault({ fault: 'timeout' });
    const pending = fetch(`${other.baseURL}/zones`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await other.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(pending).rejects.toThrow();
  });
});

describe('FakeCloudflare: OpenAPI conformance of the traffic', () => {
  it('finds no violation in a full valid session, errors included', async () => {
    const cf = client();
    await cf.user.tokens.verify();
    await cf.zones.list({ name: 'example.com', per_page: 5 });
    const rule = await cf.pageRules.create({ zone_id: zone.id, targets: target('*example.com/*'), actions: FORWARD, status: 'active', priority: 2 });
    await thrown(() => cf.pageRules.create({ zone_id: zone.id, targets: target('*example.com/*'), actions: FORWARD }));
    await cf.pageRules.edit(rule.id, { zone_id: zone.id, priority: 3 });
    await cf.pageRules.list({ zone_id: zone.id });
    await cf.pageRules.delete(rule.id, { zone_id: zone.id });
    await thrown(() => cf.pageRules.delete(rule.id, { zone_id: zone.id }));
    await thrown(() => client({ token: 'nobody' }).user.tokens.verify());
    expect(fake.exchanges).toHaveLength(9);
    expect(fake.violations()).toEqual([]);
  });

  it('records a non-conforming request body as a violation', async () => {
    const res = await rawFetch(`/zones/${zone.id}/pagerules`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ targets: target('example.com/*'), actions: FORWARD, status: 'on' }),
    });
    expect(res.status).toBe(400);
    expect(fake.violations()).toEqual([expect.stringMatching(/request body: \/status must be equal to one of the allowed values/)]);
  });

  it('records a request to an endpoint outside the spec as a violation', async () => {
    const res = await rawFetch(`/zones/${zone.id}/dns_records`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(404);
    expect(res.body.errors[0].code).toBe(7003);
    expect(fake.violations()).toEqual([expect.stringContaining('no such path')]);
  });
});
