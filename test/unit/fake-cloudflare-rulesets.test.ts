import { describe, it, expect, beforeAll, afterAll, beforeEach, afterEach } from '@jest/globals';
import Cloudflare from 'cloudflare';
import {
  FakeCloudflare,
  realmSafeFetch,
  type FakeRulesetRule,
  type FakeZone,
} from '../support/fake-cloudflare/index.js';

const TOKEN = 'fake-token-0123456789abcdefghijklmnopqrstu';
const PHASE = 'http_request_dynamic_redirect';
const TARGET = 'https://status.example.net/maintenance';

let fake: FakeCloudflare;
let zone: FakeZone;

function client(): Cloudflare {
  return new Cloudflare({
    apiToken: TOKEN,
    apiKey: null,
    apiEmail: null,
    userServiceKey: null,
    baseURL: fake.baseURL,
    maxRetries: 0,
    timeout: 10_000,
    fetch: realmSafeFetch,
  });
}

/** The SDK types ruleset answers as `unknown` (a dry run answers null): this is what the fake sends. */
interface Ruleset {
  id: string;
  kind: string;
  phase: string;
  version: string;
  rules: FakeRulesetRule[];
}

async function ruleset(answer: Promise<unknown>): Promise<Ruleset> {
  return (await answer) as Ruleset;
}

function redirect(expression: string, extra: { ref?: string; description?: string; enabled?: boolean } = {}) {
  return {
    action: 'redirect' as const,
    expression,
    action_parameters: { from_value: { target_url: { value: TARGET }, status_code: 302 as const } },
    ...extra,
  };
}

async function thrown(call: () => Promise<unknown>): Promise<any> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

async function entrypointId(): Promise<string> {
  const created = await ruleset(client().rulesets.phases.update(PHASE, { zone_id: zone.id, rules: [] }));
  return created.id;
}

beforeAll(async () => {
  fake = await FakeCloudflare.start();
});

afterAll(async () => {
  await fake.stop();
});

beforeEach(() => {
  fake.reset();
  fake.addToken({ token: TOKEN });
  zone = fake.addZone({ name: 'shop.test' });
});

afterEach(() => {
  expect(fake.violations()).toEqual([]);
});

describe('FakeCloudflare rulesets: the phase entry point', () => {
  it('answers 404 with code 10003 while the zone has no entry point for the phase', async () => {
    const error = await thrown(() => client().rulesets.phases.get(PHASE, { zone_id: zone.id }));
    expect(error).toBeInstanceOf(Cloudflare.NotFoundError);
    expect(error.errors[0].code).toBe(10003);
    expect(fake.hasEntrypoint(zone.id, PHASE)).toBe(false);
    expect(fake.rulesetRules(zone.id, PHASE)).toEqual([]);
  });

  it('creates the entry point on PUT, with defaults on each rule and version 1', async () => {
    const answer = await ruleset(
      client().rulesets.phases.update(PHASE, {
        zone_id: zone.id,
        rules: [redirect('http.host eq "shop.test"', { ref: 'ours' })],
      }),
    );
    expect(answer).toMatchObject({ kind: 'zone', phase: PHASE, version: '1' });
    const [rule] = answer.rules;
    expect(rule).toMatchObject({ ref: 'ours', enabled: true, version: '1', description: '' });
    expect(rule?.id).toMatch(/^[0-9a-f]{32}$/);
    const read = await ruleset(client().rulesets.phases.get(PHASE, { zone_id: zone.id }));
    expect(read.rules).toEqual(answer.rules);
    expect(fake.hasEntrypoint(zone.id, PHASE)).toBe(true);
  });

  it('REPLACES every rule of the phase on PUT', async () => {
    fake.seedRulesetRule(zone.id, PHASE, redirect('http.host eq "a.shop.test"', { ref: 'user-1' }));
    fake.seedRulesetRule(zone.id, PHASE, redirect('http.host eq "b.shop.test"', { ref: 'user-2' }));
    const answer = await ruleset(
      client().rulesets.phases.update(PHASE, {
        zone_id: zone.id,
        rules: [redirect('http.host eq "shop.test"', { ref: 'ours' })],
      }),
    );
    expect(answer.rules.map((r) => r.ref)).toEqual(['ours']);
    expect(answer.version).toBe('3');
    expect(fake.rulesetRules(zone.id, PHASE).map((r) => r.ref)).toEqual(['ours']);
  });
});

describe('FakeCloudflare rulesets: one rule at a time', () => {
  it('adds a rule last by default, first with before "", and by index, before or after an id', async () => {
    const a = fake.seedRulesetRule(zone.id, PHASE, redirect('http.host eq "a.shop.test"', { ref: 'a' }));
    const b = fake.seedRulesetRule(zone.id, PHASE, redirect('http.host eq "b.shop.test"', { ref: 'b' }));
    const rulesetId = (await ruleset(client().rulesets.phases.get(PHASE, { zone_id: zone.id }))).id;
    const rules = client().rulesets.rules;
    await rules.create(rulesetId, { zone_id: zone.id, ...redirect('http.host eq "c.shop.test"', { ref: 'last' }) });
    await rules.create(rulesetId, {
      zone_id: zone.id,
      ...redirect('http.host eq "d.shop.test"', { ref: 'first' }),
      position: { before: '' },
    });
    await rules.create(rulesetId, {
      zone_id: zone.id,
      ...redirect('http.host eq "e.shop.test"', { ref: 'second' }),
      position: { index: 2 },
    });
    await rules.create(rulesetId, {
      zone_id: zone.id,
      ...redirect('http.host eq "f.shop.test"', { ref: 'before-b' }),
      position: { before: b },
    });
    const answer = await ruleset(
      rules.create(rulesetId, {
        zone_id: zone.id,
        ...redirect('http.host eq "g.shop.test"', { ref: 'after-a' }),
        position: { after: a },
      }),
    );
    const order = ['first', 'second', 'a', 'after-a', 'before-b', 'b', 'last'];
    expect(answer.rules.map((r) => r.ref)).toEqual(order);
    expect(fake.rulesetRules(zone.id, PHASE).map((r) => r.ref)).toEqual(order);
  });

  it('refuses a second rule with the same ref, and a position naming no rule', async () => {
    fake.seedRulesetRule(zone.id, PHASE, redirect('http.host eq "a.shop.test"', { ref: 'taken' }));
    const rulesetId = (await ruleset(client().rulesets.phases.get(PHASE, { zone_id: zone.id }))).id;
    const dup = await thrown(() =>
      client().rulesets.rules.create(rulesetId, {
        zone_id: zone.id,
        ...redirect('http.host eq "b.shop.test"', { ref: 'taken' }),
      }),
    );
    expect(dup).toBeInstanceOf(Cloudflare.BadRequestError);
    expect(dup.errors[0].source).toEqual({ pointer: '/ref' });
    const nowhere = await thrown(() =>
      client().rulesets.rules.create(rulesetId, {
        zone_id: zone.id,
        ...redirect('http.host eq "b.shop.test"'),
        position: { before: '0123456789abcdef0123456789abcdef' },
      }),
    );
    expect(nowhere.status).toBe(400);
    expect(fake.rulesetRules(zone.id, PHASE).map((r) => r.ref)).toEqual(['taken']);
  });

  it('replaces the whole rule on PATCH (an omitted ref falls back to the id) and keeps its place', async () => {
    fake.seedRulesetRule(zone.id, PHASE, redirect('http.host eq "a.shop.test"', { ref: 'a' }));
    const id = fake.seedRulesetRule(
      zone.id,
      PHASE,
      redirect('http.host eq "b.shop.test"', { ref: 'b', description: 'x' }),
    );
    fake.seedRulesetRule(zone.id, PHASE, redirect('http.host eq "c.shop.test"', { ref: 'c' }));
    const rulesetId = (await ruleset(client().rulesets.phases.get(PHASE, { zone_id: zone.id }))).id;
    const answer = await ruleset(
      client().rulesets.rules.edit(id, {
        zone_id: zone.id,
        ruleset_id: rulesetId,
        ...redirect('http.host eq "bb.shop.test"', { enabled: false }),
      }),
    );
    const edited = answer.rules[1];
    expect(edited).toMatchObject({
      id,
      ref: id,
      enabled: false,
      description: '',
      version: '2',
      expression: 'http.host eq "bb.shop.test"',
    });
  });

  it('deletes one rule and keeps the (maybe empty) entry point', async () => {
    const id = fake.seedRulesetRule(zone.id, PHASE, redirect('http.host eq "a.shop.test"'));
    const rulesetId = (await ruleset(client().rulesets.phases.get(PHASE, { zone_id: zone.id }))).id;
    const answer = await ruleset(client().rulesets.rules.delete(id, { zone_id: zone.id, ruleset_id: rulesetId }));
    expect(answer.rules).toEqual([]);
    expect(fake.hasEntrypoint(zone.id, PHASE)).toBe(true);
    const again = await thrown(() => client().rulesets.rules.delete(id, { zone_id: zone.id, ruleset_id: rulesetId }));
    expect(again.status).toBe(404);
  });
});

describe('FakeCloudflare rulesets: quota and expressions', () => {
  it('refuses the 11th redirect rule of a Free zone, and takes it once the zone is on Pro', async () => {
    for (let i = 0; i < 10; i += 1) fake.seedRulesetRule(zone.id, PHASE, redirect(`http.host eq "h${i}.shop.test"`));
    const rulesetId = (await ruleset(client().rulesets.phases.get(PHASE, { zone_id: zone.id }))).id;
    const create = () =>
      client().rulesets.rules.create(rulesetId, {
        zone_id: zone.id,
        ...redirect('http.host eq "shop.test"', { ref: 'ours' }),
      });
    const error = await thrown(create);
    expect(error.status).toBe(400);
    expect(error.errors[0].message).toMatch(/exceeded maximum number of rules/);
    expect(fake.rulesetRules(zone.id, PHASE)).toHaveLength(10);
    fake.setZonePlan(zone.id, 'pro');
    expect(fake.rulesetRuleQuota(zone.id, PHASE)).toBe(25);
    expect((await ruleset(create())).rules).toHaveLength(11);
  });

  it('refuses an unbalanced expression with 400 and writes nothing', async () => {
    const rulesetId = await entrypointId();
    const error = await thrown(() =>
      client().rulesets.rules.create(rulesetId, { zone_id: zone.id, ...redirect('(http.host eq "shop.test"') }),
    );
    expect(error).toBeInstanceOf(Cloudflare.BadRequestError);
    expect(error.errors[0]).toMatchObject({ code: 20125, source: { pointer: '/expression' } });
    expect(error.errors[0].message).toMatch(
      /not a valid value for expression because could not parse filter expression/,
    );
    expect(fake.rulesetRules(zone.id, PHASE)).toEqual([]);
  });

  it('refuses matches below Business, and an expression over 4096 characters', async () => {
    const rulesetId = await entrypointId();
    const regex = () =>
      client().rulesets.rules.create(rulesetId, {
        zone_id: zone.id,
        ...redirect('http.request.uri.path matches "^/a"'),
      });
    expect((await thrown(regex)).status).toBe(400);
    fake.setZonePlan(zone.id, 'business');
    await regex();
    const long = `http.host in {${Array.from({ length: 300 }, (_, i) => `"h${i}.shop.test"`).join(' ')}}`;
    expect(long.length).toBeGreaterThan(4096);
    const tooLong = await thrown(() =>
      client().rulesets.rules.create(rulesetId, { zone_id: zone.id, ...redirect(long) }),
    );
    expect(tooLong.status).toBe(400);
  });
});

describe('FakeCloudflare rulesets: faults', () => {
  it('can lose the answer to a POST after the rule was made', async () => {
    const rulesetId = await entrypointId();
    const fault = fake.injectFault({ method: 'POST', path: /\/rules$/, fault: 'reset', afterHandling: true });
    await thrown(() =>
      client().rulesets.rules.create(rulesetId, {
        zone_id: zone.id,
        ...redirect('http.host eq "shop.test"', { ref: 'ours' }),
      }),
    );
    expect(fault.spent()).toBe(true);
    expect(fake.rulesetRules(zone.id, PHASE).map((r) => r.ref)).toEqual(['ours']);
  });
});

describe('FakeCloudflare rulesets: response header transform rules', () => {
  const HEADERS = 'http_response_headers_transform';
  const cookieRule = (operation: 'set' | 'add', name = 'set-cookie') => ({
    action: 'rewrite' as const,
    expression: 'http.request.uri.query contains "maintenance_bypass=abc"',
    action_parameters: {
      headers: { [name]: { operation, value: 'maintenance_bypass=abc; Path=/; Secure; HttpOnly' } },
    },
    ref: 'bypass-cookie',
  });

  it('takes a set-cookie added by a rewrite rule, kept apart from the redirect phase', async () => {
    const answer = await ruleset(
      client().rulesets.phases.update(HEADERS, { zone_id: zone.id, rules: [cookieRule('add') as never] }),
    );
    expect(answer.phase).toBe(HEADERS);
    expect(fake.rulesetRules(zone.id, HEADERS).map((r) => r.ref)).toEqual(['bypass-cookie']);
    expect(fake.hasEntrypoint(zone.id, PHASE)).toBe(false);
    const listed = (await client().rulesets.list({ zone_id: zone.id })).result;
    const ours = listed.filter((r) => r.kind === 'zone');
    expect(ours).toEqual([expect.objectContaining({ id: answer.id, phase: HEADERS })]);
    expect(ours[0]).not.toHaveProperty('rules');
    // Like a real zone's list, it holds Cloudflare's managed rulesets too, first.
    expect(listed[0]?.kind).toBe('managed');
  });

  it('refuses cf- headers, a fixed header, a bad header name, and a redirect in this phase', async () => {
    for (const rule of [
      cookieRule('set', 'cf-cache-status'),
      cookieRule('set', 'server'),
      cookieRule('add', 'bad name'),
      redirect('true'),
    ]) {
      const error = await thrown(() =>
        client().rulesets.phases.update(HEADERS, { zone_id: zone.id, rules: [rule as never] }),
      );
      expect(error.status).toBe(400);
    }
    expect(fake.hasEntrypoint(zone.id, HEADERS)).toBe(false);
  });
});

describe('FakeCloudflare rulesets: rulesets by id', () => {
  it('reads a ruleset by id, and answers 404 for an unknown one', async () => {
    const id = await entrypointId();
    const read = await ruleset(client().rulesets.get(id, { zone_id: zone.id }));
    expect(read).toMatchObject({ id, phase: PHASE, rules: [] });
    const missing = await thrown(() => client().rulesets.get('0123456789abcdef0123456789abcdef', { zone_id: zone.id }));
    expect(missing.status).toBe(404);
  });

  it('refuses a second zone ruleset in a phase, as Cloudflare does (20217 on /kind)', async () => {
    await entrypointId();
    const error = await thrown(() =>
      client().rulesets.create({ zone_id: zone.id, kind: 'zone', name: 'again', phase: PHASE, rules: [] }),
    );
    expect(error.errors[0]).toMatchObject({ code: 20217, source: { pointer: '/kind' } });
  });

  it('keeps a rule that a PUT sends back with its id (same id, next version), and drops the rest', async () => {
    const keep = fake.seedRulesetRule(zone.id, PHASE, redirect('http.host eq "a.shop.test"', { ref: 'keep' }));
    fake.seedRulesetRule(zone.id, PHASE, redirect('http.host eq "b.shop.test"', { ref: 'drop' }));
    const answer = await ruleset(
      client().rulesets.phases.update(PHASE, {
        zone_id: zone.id,
        rules: [{ id: keep, ...redirect('http.host eq "a.shop.test"', { ref: 'keep' }) }],
      }),
    );
    expect(answer.rules).toEqual([expect.objectContaining({ id: keep, ref: 'keep', version: '2' })]);
    const twice = await thrown(() =>
      client().rulesets.phases.update(PHASE, {
        zone_id: zone.id,
        rules: [
          { id: keep, ...redirect('http.host eq "a.shop.test"', { ref: 'one' }) },
          { id: keep, ...redirect('http.host eq "b.shop.test"', { ref: 'two' }) },
        ],
      }),
    );
    expect(twice.errors[0].source).toEqual({ pointer: '/rules/1/id' });
  });
});

describe('FakeCloudflare rulesets: faults before the write', () => {
  it('changes nothing when a PATCH is answered 500 before it is carried out', async () => {
    const id = fake.seedRulesetRule(zone.id, PHASE, redirect('http.host eq "a.shop.test"', { ref: 'a' }));
    const rulesetId = (await ruleset(client().rulesets.phases.get(PHASE, { zone_id: zone.id }))).id;
    fake.injectFault({ method: 'PATCH', path: /\/rules\//, fault: { status: 500 } });
    const error = await thrown(() =>
      client().rulesets.rules.edit(id, {
        zone_id: zone.id,
        ruleset_id: rulesetId,
        ...redirect('http.host eq "b.shop.test"', { ref: 'a' }),
      }),
    );
    expect(error.status).toBe(500);
    expect(fake.rulesetRules(zone.id, PHASE)[0]).toMatchObject({
      id,
      version: '1',
      expression: 'http.host eq "a.shop.test"',
    });
  });
});
