import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Validator } from '@seriousme/openapi-schema-validator';
import { ROLES, type Role } from '../../src/access/roles.js';
import { ApiClient } from '../support/api-client.js';
import { type RunningServer, startServer } from '../support/run-server.js';
import { givenSite } from '../support/scenario.js';
import { serviceSuite } from '../support/service-suite.js';

const suite = serviceSuite();
let server: RunningServer;
let api: ApiClient;
/** Every token created here, to prove none is ever shown again. */
const issued: string[] = [];
const tokens = {} as Record<Role | 'scoped' | 'expired' | 'revoked', string>;

async function createToken(input: { name: string; role: Role; sites?: string[]; expires?: string }, now?: Date): Promise<string> {
  const { token } = await suite.ctx.apiTokens.create(input, now);
  issued.push(token);
  return token;
}

interface DocumentedRoute {
  method: string;
  /** With the template's parameters filled in. */
  path: string;
  role: Role;
}

let routes: DocumentedRoute[];

beforeAll(async () => {
  await givenSite(suite.ctx, suite.fake, 'cycle.com');
  await givenSite(suite.ctx, suite.fake, 'scoped-in.com');
  await givenSite(suite.ctx, suite.fake, 'scoped-out.com');
  for (const role of ROLES) tokens[role] = await createToken({ name: `${role}-token`, role });
  tokens.scoped = await createToken({ name: 'scoped', role: 'operator', sites: ['scoped-in.com'] });
  tokens.expired = await createToken({ name: 'expired', role: 'admin', expires: '1h' }, new Date(Date.now() - 2 * 3_600_000));
  tokens.revoked = await createToken({ name: 'revoked', role: 'admin' });
  await suite.ctx.apiTokens.revoke('revoked');
  server = await startServer({ ...suite.env, API_RATE_LIMIT_PER_MINUTE: '100000', SCHEDULER_ENABLED: 'false' });
  api = await ApiClient.connect(server.url);
  const document = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, { 'x-required-role'?: Role }>> };
  routes = Object.entries(document.paths).flatMap(([template, operations]) =>
    Object.entries(operations)
      .filter(([, operation]) => operation['x-required-role'])
      .map(([method, operation]) => ({
        method: method.toUpperCase(),
        path: template.replace('{domain}', 'cycle.com').replace('{id}', '00000000-0000-4000-8000-000000000000'),
        role: operation['x-required-role']!,
      })),
  );
}, 60_000);

afterEach(() => {
  expect(api.violations()).toEqual([]);
});

afterAll(async () => {
  await server?.stop();
});

describe('the OpenAPI document', () => {
  it('validates as OpenAPI 3.1 and documents every route with the role it needs', async () => {
    const document = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as { openapi: string };
    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result).toEqual({ valid: true });
    expect(validator.version).toBe('3.1');
    expect(routes.map((route) => `${route.method} ${route.path} ${route.role}`).sort()).toEqual([
      'DELETE /api/v1/sites/cycle.com/maintenance operator',
      'GET /api/v1/audit-log viewer',
      'GET /api/v1/operations/00000000-0000-4000-8000-000000000000 viewer',
      'GET /api/v1/schedules viewer',
      'GET /api/v1/schedules/00000000-0000-4000-8000-000000000000 viewer',
      'GET /api/v1/sites viewer',
      'GET /api/v1/sites/cycle.com viewer',
      'PATCH /api/v1/schedules/00000000-0000-4000-8000-000000000000 operator',
      'POST /api/v1/operations operator',
      'POST /api/v1/schedules operator',
      'POST /api/v1/schedules/00000000-0000-4000-8000-000000000000/cancel operator',
      'POST /api/v1/schedules/00000000-0000-4000-8000-000000000000/end operator',
      'POST /api/v1/schedules/00000000-0000-4000-8000-000000000000/start operator',
      'POST /api/v1/sites/cycle.com/maintenance operator',
      'POST /api/v1/sites/cycle.com/maintenance/extend operator',
    ]);
  });

  it('is browsable at /api/docs from files of our own, nothing from another site', async () => {
    const page = await fetch(`${server.url}/api/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toMatch(/(?:src|href)="https?:/);
    for (const asset of [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1])) {
      expect((await fetch(`${server.url}${asset}`)).status).toBe(200);
    }
  });
});

describe('a deploy pipeline through the API', () => {
  it('enables maintenance, reads the status, disables it; both are idempotent and audited as api:<token name>', async () => {
    const zone = suite.fake.zones().find((candidate) => candidate.name === 'cycle.com')!;
    const enabled = await api.request('POST', '/api/v1/sites/cycle.com/maintenance', { token: tokens.operator, body: { reason: 'Deploying v2' } });
    expect(enabled.status).toBe(200);
    expect(enabled.body).toMatchObject({ domain: 'cycle.com', changed: true, site: { state: 'on', inMaintenance: true, reason: 'Deploying v2' } });
    expect(suite.fake.pageRules(zone.id)).toHaveLength(1);

    const again = await api.request('POST', '/api/v1/sites/cycle.com/maintenance', { token: tokens.operator });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ changed: false, site: { state: 'on' } });

    const status = await api.request('GET', '/api/v1/sites/cycle.com', { token: tokens.viewer });
    expect(status.status).toBe(200);
    expect(status.body.site).toMatchObject({ domain: 'cycle.com', inMaintenance: true, rules: [{ target: expect.any(String) }] });

    const live = await api.request('GET', '/api/v1/sites/cycle.com?live=true', { token: tokens.viewer });
    expect(live.status).toBe(200);
    expect(live.body.live).toMatchObject({ busy: false, drift: [] });
    expect(live.body.live.zoneRules).toEqual([expect.objectContaining({ ours: true, status: 'active' })]);

    const disabled = await api.request('DELETE', '/api/v1/sites/cycle.com/maintenance', { token: tokens.operator });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ changed: true, site: { state: 'off', inMaintenance: false } });
    expect(suite.fake.pageRules(zone.id)).toEqual([]);
    const disabledAgain = await api.request('DELETE', '/api/v1/sites/cycle.com/maintenance', { token: tokens.operator });
    expect(disabledAgain.body).toMatchObject({ changed: false });

    const audit = await suite.db.dataSource.query<{ action: string; outcome: string; actor: string }[]>(
      `SELECT action, outcome, actor FROM maintenance_logs WHERE domain = 'cycle.com' ORDER BY created_at`,
    );
    expect(audit).toEqual([
      { action: 'enable', outcome: 'success', actor: 'api:operator-token' },
      { action: 'enable', outcome: 'skipped', actor: 'api:operator-token' },
      { action: 'disable', outcome: 'success', actor: 'api:operator-token' },
      { action: 'disable', outcome: 'skipped', actor: 'api:operator-token' },
    ]);
  }, 30_000);

  it('lists the sites with the CLI selectors as filters, a page at a time', async () => {
    const all = await api.request('GET', '/api/v1/sites', { token: tokens.viewer });
    expect(all.body).toMatchObject({ total: 3, limit: 100, offset: 0 });
    expect(all.body.items.map((site: { domain: string }) => site.domain)).toEqual(['cycle.com', 'scoped-in.com', 'scoped-out.com']);
    const page = await api.request('GET', '/api/v1/sites?limit=1&offset=1&apiKey=primary&active=true&inMaintenance=false', { token: tokens.viewer });
    expect(page.body).toMatchObject({ total: 3, limit: 1, offset: 1, items: [{ domain: 'scoped-in.com', apiKey: 'primary' }] });
  });

  it('pages the audit log with filters, newest first, and only on the sites of a restricted token', async () => {
    const mine = await api.request('GET', '/api/v1/audit-log?domain=cycle.com&actor=api:operator-token', { token: tokens.viewer });
    expect(mine.status).toBe(200);
    expect(mine.body.total).toBe(4);
    expect(mine.body.items.map((row: { action: string; outcome: string }) => `${row.action} ${row.outcome}`)).toEqual([
      'disable skipped',
      'disable success',
      'enable skipped',
      'enable success',
    ]);
    const page = await api.request('GET', '/api/v1/audit-log?domain=cycle.com&outcome=skipped&action=enable&limit=1&offset=0', { token: tokens.viewer });
    expect(page.body).toMatchObject({ total: 1, limit: 1, items: [{ reason: null, actor: 'api:operator-token' }] });
    const later = await api.request('GET', `/api/v1/audit-log?domain=cycle.com&since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, {
      token: tokens.viewer,
    });
    expect(later.body).toMatchObject({ total: 0, items: [] });
    const scoped = await api.request('GET', '/api/v1/audit-log?domain=cycle.com', { token: tokens.scoped });
    expect(scoped.body).toMatchObject({ total: 0, items: [] });
  });

  it('records when a token was last used', async () => {
    const [row] = await suite.db.dataSource.query<{ last_used_at: Date | null }[]>(`SELECT last_used_at FROM api_tokens WHERE name = 'viewer-token'`);
    expect(row.last_used_at).toBeInstanceOf(Date);
    expect(Date.now() - row.last_used_at!.getTime()).toBeLessThan(60_000);
  });
});

describe('maintenance for a set time', () => {
  it('enables a site for 2h through a window that starts now, extends it, and refuses to extend a site without one', async () => {
    const { zone } = await givenSite(suite.ctx, suite.fake, 'timed.com');
    const started = Date.now();
    const enabled = await api.request('POST', '/api/v1/sites/timed.com/maintenance', { token: tokens.operator, body: { for: '2h', reason: 'Migrating' } });
    expect(enabled.status).toBe(200);
    expect(enabled.body).toMatchObject({ changed: true, site: { state: 'on', reason: 'Migrating' }, window: { status: 'active', timezone: 'UTC' } });
    const endsAt = new Date(enabled.body.window.endsAt as string).getTime();
    expect(Math.abs(endsAt - (started + 2 * 3_600_000))).toBeLessThan(30_000);
    expect(suite.fake.pageRules(zone.id)).toHaveLength(1);

    const page = await fetch(`${server.url}/maintenance?site=timed.com`);
    expect(Math.abs(Number(page.headers.get('retry-after')) - (endsAt - Date.now()) / 1000)).toBeLessThan(30);

    const extended = await api.request('POST', '/api/v1/sites/timed.com/maintenance/extend', { token: tokens.operator, body: { by: '30m' } });
    expect(extended.status).toBe(200);
    expect(new Date(extended.body.window.endsAt as string).getTime()).toBe(endsAt + 30 * 60_000);

    const none = await api.request('POST', '/api/v1/sites/cycle.com/maintenance/extend', { token: tokens.operator, body: { by: '30m' } });
    expect([none.status, none.body.code]).toEqual([404, 'not_found']);
  }, 30_000);
});

describe('maintenance windows', () => {
  it('plans, lists, shows, changes, starts, ends and cancels windows', async () => {
    const { zone } = await givenSite(suite.ctx, suite.fake, 'windowed.com');
    const start = new Date(Date.now() + 3_600_000).toISOString();
    const created = await api.request('POST', '/api/v1/schedules', {
      token: tokens.operator,
      body: { title: 'Upgrade', reason: 'Back soon', sites: ['windowed.com'], start, durationMinutes: 30 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ title: 'Upgrade', status: 'scheduled', createdBy: 'api:operator-token', sites: [{ domain: 'windowed.com', execution: 'pending' }] });
    const id = created.body.id as string;

    const listed = await api.request('GET', '/api/v1/schedules', { token: tokens.viewer });
    expect(listed.body.items.map((window: { id: string }) => window.id)).toContain(id);
    const hidden = await api.request('GET', '/api/v1/schedules', { token: tokens.scoped });
    expect(hidden.body.items.map((window: { id: string }) => window.id)).not.toContain(id);
    const refused = await api.request('GET', `/api/v1/schedules/${id}`, { token: tokens.scoped });
    expect([refused.status, refused.body.code]).toEqual([403, 'site_forbidden']);

    const changed = await api.request('PATCH', `/api/v1/schedules/${id}`, { token: tokens.operator, body: { title: 'Database upgrade' } });
    expect(changed.body).toMatchObject({ title: 'Database upgrade' });

    const started = await api.request('POST', `/api/v1/schedules/${id}/start`, { token: tokens.operator });
    expect(started.body).toMatchObject({ status: 'active', sites: [{ execution: 'enabled' }] });
    expect(suite.fake.pageRules(zone.id)).toHaveLength(1);
    const ended = await api.request('POST', `/api/v1/schedules/${id}/end`, { token: tokens.operator });
    expect(ended.status).toBe(200);
    expect(ended.body.status).toBe('completed');
    expect(suite.fake.pageRules(zone.id)).toEqual([]);

    const another = await api.request('POST', '/api/v1/schedules', { token: tokens.operator, body: { title: 'Later', sites: ['windowed.com'], start, end: new Date(Date.parse(start) + 60_000).toISOString() } });
    const cancelled = await api.request('POST', `/api/v1/schedules/${another.body.id as string}/cancel`, { token: tokens.operator });
    expect(cancelled.body.status).toBe('cancelled');
    const outside = await api.request('POST', '/api/v1/schedules', { token: tokens.scoped, body: { title: 'Mine?', sites: ['scoped-out.com'], start, durationMinutes: 5 } });
    expect([outside.status, outside.body.code]).toEqual([403, 'site_forbidden']);
  }, 30_000);
});

describe('who may call what', () => {
  it('refuses every route without a token, or with one that is not ours, with 401', async () => {
    for (const route of routes) {
      const missing = await api.request(route.method, route.path);
      expect([route.path, missing.status, missing.body.code]).toEqual([route.path, 401, 'token_missing']);
      expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const invalid = await api.request(route.method, route.path, { token: `cfm_aaaaaaaaaaaa_${'A'.repeat(43)}` });
      expect([route.path, invalid.status, invalid.body.code]).toEqual([route.path, 401, 'token_invalid']);
      const malformed = await api.request(route.method, route.path, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
      expect([route.path, malformed.status, malformed.body.code]).toEqual([route.path, 401, 'token_invalid']);
    }
  });

  it('refuses an expired and a revoked token with 401 and the reason', async () => {
    for (const route of routes) {
      const expired = await api.request(route.method, route.path, { token: tokens.expired });
      expect([route.path, expired.status, expired.body.code]).toEqual([route.path, 401, 'token_expired']);
      const revoked = await api.request(route.method, route.path, { token: tokens.revoked });
      expect([route.path, revoked.status, revoked.body.code]).toEqual([route.path, 401, 'token_revoked']);
    }
  });

  it('refuses, for each role, every route its role does not hold with 403, before anything is done', async () => {
    const before = await suite.db.snapshot();
    let refusals = 0;
    for (const role of ROLES) {
      for (const route of routes.filter((candidate) => ROLES.indexOf(candidate.role) > ROLES.indexOf(role))) {
        const refused = await api.request(route.method, route.path, { token: tokens[role], body: ['POST', 'PATCH'].includes(route.method) ? {} : undefined });
        expect([role, route.method, route.path, refused.status, refused.body.code]).toEqual([role, route.method, route.path, 403, 'role_forbidden']);
        refusals += 1;
      }
    }
    expect(refusals).toBe(9); // the viewer's: enable, extend, disable, operations, and five on windows (no route needs admin yet)
    const after = await suite.db.snapshot();
    expect(withoutTokenUse(after)).toEqual(withoutTokenUse(before));
  });

  it('keeps a token restricted to some sites to those sites', async () => {
    const scopedZone = suite.fake.zones().find((zone) => zone.name === 'scoped-out.com')!;
    const list = await api.request('GET', '/api/v1/sites', { token: tokens.scoped });
    expect(list.body.items.map((site: { domain: string }) => site.domain)).toEqual(['scoped-in.com']);
    for (const [method, path] of [
      ['GET', '/api/v1/sites/scoped-out.com'],
      ['POST', '/api/v1/sites/scoped-out.com/maintenance'],
      ['DELETE', '/api/v1/sites/scoped-out.com/maintenance'],
      ['POST', '/api/v1/sites/scoped-out.com/maintenance/extend'],
    ]) {
      const refused = await api.request(method, path, { token: tokens.scoped });
      expect([path, refused.status, refused.body.code]).toEqual([path, 403, 'site_forbidden']);
    }
    const bulk = await api.request('POST', '/api/v1/operations', { token: tokens.scoped, body: { action: 'enable', sites: ['scoped-in.com', 'scoped-out.com'] } });
    expect(bulk.status).toBe(403);
    expect(bulk.body.code).toBe('site_forbidden');
    expect(suite.fake.pageRules(scopedZone.id)).toEqual([]);

    const mine = await api.request('GET', '/api/v1/sites/scoped-in.com', { token: tokens.scoped });
    expect(mine.status).toBe(200);

    const selected = await api.request('POST', '/api/v1/operations', { token: tokens.scoped, body: { action: 'sync', selector: { all: true } } });
    expect(selected.status).toBe(202);
    expect(selected.body.sites.map((site: { domain: string }) => site.domain)).toEqual(['scoped-in.com']);
    const othersOperation = await api.request('POST', '/api/v1/operations', { token: tokens.admin, body: { action: 'sync', sites: ['scoped-out.com'] } });
    expect(othersOperation.status).toBe(202);
    const readOthers = await api.request('GET', `/api/v1/operations/${othersOperation.body.id as string}`, { token: tokens.scoped });
    expect([readOthers.status, readOthers.body.code]).toEqual([403, 'site_forbidden']);
    // Both run on in the server: the later tests compare snapshots of the database.
    for (const id of [selected.body.id as string, othersOperation.body.id as string]) {
      expect(await finished(id)).toMatchObject({ status: 'completed', counts: { total: 1, pending: 0, failed: 0 } });
    }
  });

  it('answers no cross-origin browser request', async () => {
    const preflight = await fetch(`${server.url}/api/v1/sites`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.status).toBe(404);
    const simple = await fetch(`${server.url}/api/v1/sites`, { headers: { origin: 'https://evil.example', authorization: `Bearer ${tokens.viewer}` } });
    expect(simple.status).toBe(200);
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('bad input', () => {
  const badInputs: [string, string, string, unknown, string][] = [
    ['a bad domain', 'POST', '/api/v1/sites/not_a_domain/maintenance', {}, 'domain'],
    ['a domain with a scheme', 'POST', '/api/v1/sites/http%3A%2F%2Fcycle.com/maintenance', {}, 'domain'],
    ['an IP address', 'DELETE', '/api/v1/sites/192.168.1.1/maintenance', undefined, 'domain'],
    ['a domain without a dot', 'GET', '/api/v1/sites/localhost', undefined, 'domain'],
    ['an unknown body key', 'POST', '/api/v1/sites/cycle.com/maintenance', { reason: 'x', force: true }, 'force'],
    ['a reason that is not text', 'POST', '/api/v1/sites/cycle.com/maintenance', { reason: 42 }, 'reason'],
    ['a reason over 500 characters', 'POST', '/api/v1/sites/cycle.com/maintenance', { reason: 'x'.repeat(501) }, 'reason'],
    ['a reason with a line break', 'POST', '/api/v1/sites/cycle.com/maintenance', { reason: 'one\ntwo' }, 'reason'],
    ['a body that is an array', 'POST', '/api/v1/sites/cycle.com/maintenance', [], 'body'],
    ['a body that is not JSON', 'POST', '/api/v1/sites/cycle.com/maintenance', '{"reason": ', 'body'],
    ['a body on DELETE', 'DELETE', '/api/v1/sites/cycle.com/maintenance', { reason: 'x' }, 'body'],
    ['an unknown query key', 'GET', '/api/v1/sites?colour=red', undefined, 'colour'],
    ['a limit of 0', 'GET', '/api/v1/sites?limit=0', undefined, 'limit'],
    ['a limit too large', 'GET', '/api/v1/sites?limit=501', undefined, 'limit'],
    ['a negative offset', 'GET', '/api/v1/sites?offset=-1', undefined, 'offset'],
    ['inMaintenance not true or false', 'GET', '/api/v1/sites?inMaintenance=yes', undefined, 'inMaintenance'],
    ['live given twice', 'GET', '/api/v1/sites/cycle.com?live=true&live=false', undefined, 'live'],
    ['an unknown action', 'POST', '/api/v1/operations', { action: 'explode', sites: ['cycle.com'] }, 'action'],
    ['no action', 'POST', '/api/v1/operations', { sites: ['cycle.com'] }, 'action'],
    ['an unknown selector key', 'POST', '/api/v1/operations', { action: 'enable', selector: { colour: 'red' } }, 'selector.colour'],
    ['an empty selector', 'POST', '/api/v1/operations', { action: 'enable', selector: {} }, 'sites'],
    ['sites and selector together', 'POST', '/api/v1/operations', { action: 'enable', sites: ['cycle.com'], selector: { all: true } }, 'selector'],
    ['neither sites nor selector', 'POST', '/api/v1/operations', { action: 'disable' }, 'sites'],
    ['an empty site list', 'POST', '/api/v1/operations', { action: 'enable', sites: [] }, 'sites'],
    ['a bad domain in the list', 'POST', '/api/v1/operations', { action: 'enable', sites: ['cycle.com', 'bad domain'] }, 'domain'],
    ['selector.all false', 'POST', '/api/v1/operations', { action: 'enable', selector: { all: false } }, 'selector.all'],
    ['a reason for disable', 'POST', '/api/v1/operations', { action: 'disable', sites: ['cycle.com'], reason: 'x' }, 'reason'],
    ['an operation id that is not a uuid', 'GET', '/api/v1/operations/12', undefined, 'id'],
    ['for and until together', 'POST', '/api/v1/sites/cycle.com/maintenance', { for: '2h', until: '2099-01-01T00:00Z' }, 'until'],
    ['a negative duration', 'POST', '/api/v1/sites/cycle.com/maintenance', { for: '-2h' }, 'for'],
    ['a duration of zero', 'POST', '/api/v1/sites/cycle.com/maintenance', { for: '0m' }, 'for'],
    ['a duration over 7 days', 'POST', '/api/v1/sites/cycle.com/maintenance', { for: '8d' }, 'for'],
    ['an end in the past', 'POST', '/api/v1/sites/cycle.com/maintenance', { until: '2020-01-01T00:00Z' }, 'until'],
    ['an unknown time zone', 'POST', '/api/v1/sites/cycle.com/maintenance', { until: '2099-01-01 03:00', timezone: 'Mars/Olympus' }, 'timezone'],
    ['a duration that is a number', 'POST', '/api/v1/sites/cycle.com/maintenance', { for: 7200 }, 'for'],
    ['an audit filter on a bad domain', 'GET', '/api/v1/audit-log?domain=not_a_domain', undefined, 'domain'],
    ['an audit filter on an unknown action', 'GET', '/api/v1/audit-log?action=delete', undefined, 'action'],
    ['an audit since that is not a time', 'GET', '/api/v1/audit-log?since=yesterday', undefined, 'since'],
    ['an audit limit too large', 'GET', '/api/v1/audit-log?limit=1000', undefined, 'limit'],
    ['a window without a start', 'POST', '/api/v1/schedules', { title: 'x', sites: ['cycle.com'], durationMinutes: 5 }, 'start'],
    ['a window with end and duration', 'POST', '/api/v1/schedules', { title: 'x', sites: ['cycle.com'], start: '2099-01-01T00:00Z', end: '2099-01-01T01:00Z', durationMinutes: 5 }, 'end'],
    ['a window change of an unknown field', 'PATCH', '/api/v1/schedules/00000000-0000-4000-8000-000000000000', { colour: 'red' }, 'colour'],
    ['extend by and until together', 'POST', '/api/v1/sites/cycle.com/maintenance/extend', { by: '30m', until: '2099-01-01T00:00Z' }, 'by'],
    ['extend with an unknown key', 'POST', '/api/v1/sites/cycle.com/maintenance/extend', { for: '30m' }, 'for'],
  ];

  it(`refuses ${badInputs.length} bad inputs with 400 naming the field, and writes nothing`, async () => {
    const before = await suite.db.snapshot();
    const rulesBefore = suite.fake.zones().flatMap((zone) => suite.fake.pageRules(zone.id));
    for (const [what, method, path, body, field] of badInputs) {
      const refused = await api.request(method, path, { token: tokens.admin, body });
      expect([what, refused.status, refused.body.code, refused.body.field]).toEqual([what, 400, 'invalid_input', field]);
      expect(refused.body.detail).toEqual(expect.any(String));
    }
    expect(withoutTokenUse(await suite.db.snapshot())).toEqual(withoutTokenUse(before));
    expect(suite.fake.zones().flatMap((zone) => suite.fake.pageRules(zone.id))).toEqual(rulesBefore);
  });

  it('refuses a body that is too large (413) or not application/json (415), and writes nothing', async () => {
    const before = await suite.db.snapshot();
    const huge = await api.request('POST', '/api/v1/operations', {
      token: tokens.admin,
      body: { action: 'enable', sites: Array.from({ length: 5000 }, (_, i) => `site-${i}.example.com`) },
    });
    expect([huge.status, huge.body.code]).toEqual([413, 'body_too_large']);
    const form = await api.request('POST', '/api/v1/sites/cycle.com/maintenance', {
      token: tokens.admin,
      body: 'reason=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect([form.status, form.body.code]).toEqual([415, 'unsupported_media_type']);
    const text = await api.request('POST', '/api/v1/operations', { token: tokens.admin, body: '{}', headers: { 'content-type': 'text/plain' } });
    expect([text.status, text.body.code]).toEqual([415, 'unsupported_media_type']);
    expect(withoutTokenUse(await suite.db.snapshot())).toEqual(withoutTokenUse(before));
  });

  it('answers an unknown site with 404', async () => {
    const unknown = await api.request('POST', '/api/v1/sites/unknown-site.com/maintenance', { token: tokens.operator });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'not_found']);
    const operation = await api.request('GET', '/api/v1/operations/00000000-0000-4000-8000-000000000000', { token: tokens.viewer });
    expect([operation.status, operation.body.code]).toEqual([404, 'not_found']);
  });
});

describe('what Cloudflare refuses', () => {
  it('answers a full zone with 422 and the rules needed and free, a refused call with 502, its code and step', async () => {
    const { zone } = await givenSite(suite.ctx, suite.fake, 'full-zone.com', { pageRuleQuota: 1 });
    suite.fake.addPageRule(zone.id, { targetValue: 'full-zone.com/shop/*', actions: [{ id: 'always_use_https' }] });
    const full = await api.request('POST', '/api/v1/sites/full-zone.com/maintenance', { token: tokens.operator });
    expect(full.status).toBe(422);
    expect(full.body).toMatchObject({ code: 'quota_exceeded', needed: 1, free: 0 });

    await givenSite(suite.ctx, suite.fake, 'refused.com');
    const refusedZone = suite.fake.zones().find((candidate) => candidate.name === 'refused.com')!;
    suite.fake.injectFault({ method: 'POST', path: `/zones/${refusedZone.id}/pagerules`, fault: { status: 403, code: 10000, message: 'Authentication error' } });
    const refused = await api.request('POST', '/api/v1/sites/refused.com/maintenance', { token: tokens.operator });
    expect(refused.status).toBe(502);
    expect(refused.body).toMatchObject({ code: 'cloudflare_refused', cloudflareCode: 10000, step: expect.stringMatching(/create rule/) });
  }, 30_000);
});

describe('secrecy', () => {
  it('never shows a token again after its creation: not in an answer, a log line or an audit row', async () => {
    const secrets = issued.flatMap((token) => [token, token.slice('cfm_'.length + 13)]);
    const audit = JSON.stringify(await suite.db.dataSource.query('SELECT * FROM maintenance_logs'));
    const tokenRows = JSON.stringify(await suite.db.dataSource.query('SELECT * FROM api_tokens'));
    for (const secret of secrets) {
      expect(api.answers.filter((answer) => answer.includes(secret))).toEqual([]);
      expect(server.output().includes(secret)).toBe(false);
      expect(audit.includes(secret)).toBe(false);
      expect(tokenRows.includes(secret)).toBe(false);
    }
    expect(api.answers.length).toBeGreaterThan(50);
  });
});

async function finished(operationId: string): Promise<{ status: string }> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const operation = await api.request('GET', `/api/v1/operations/${operationId}`, { token: tokens.admin });
    if (operation.body.status !== 'running') return operation.body as { status: string };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Operation ${operationId} is still running after 20 s`);
}

/** A refused request still marks a valid token used; that column is not "something written" by the refused action. */
function withoutTokenUse(snapshot: Record<string, unknown[]>): Record<string, unknown[]> {
  return { ...snapshot, api_tokens: snapshot.api_tokens.map((row) => ({ ...(row as object), last_used_at: null })) };
}

// Last: the site it adds would change the counts the tests above expect.
describe("a site's engine and access", () => {
  it("shows a site's engine, bypass and excluded paths, the bypass secret only masked", async () => {
    const { site } = await givenSite(suite.ctx, suite.fake, 'engine-view.com');
    const { newBypassSecret } = await suite.ctx.siteSettings.update(
      site,
      { engine: 'redirect_rule', bypassIps: '203.0.113.0/24', bypassSecret: 'generate', excludedPaths: '/health' },
      'cli:test',
    );
    expect(newBypassSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const shown = await api.request('GET', '/api/v1/sites/engine-view.com', { token: tokens.viewer });
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({
      site: {
        engine: 'redirect_rule',
        access: {
          bypassIps: ['203.0.113.0/24'],
          bypassIpsFrom: 'site',
          bypassSecret: expect.stringMatching(/^•+$/),
          excludedPaths: ['/.well-known/acme-challenge/', '/health'],
        },
      },
    });
    const listed = await api.request('GET', '/api/v1/sites', { token: tokens.viewer });
    expect(JSON.stringify([shown.body, listed.body])).not.toContain(newBypassSecret!);
    const plain = await api.request('GET', '/api/v1/sites/cycle.com', { token: tokens.viewer });
    expect(plain.body).toMatchObject({ site: { engine: 'page_rules', access: { bypassSecret: null } } });
  });
});
