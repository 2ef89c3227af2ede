import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { DEFAULT_ACCOUNT_ID, FakeCloudflare, type FakeZone } from '../support/fake-cloudflare/index.js';

/** The fake's Workers endpoints held to what Cloudflare accepts, over raw HTTP (the SDK's own shapes are in test/integration/workers-api.test.ts). */

const TOKEN = 'fake-token-0123456789abcdefghijklmnopqrstu';
const ACCOUNT = DEFAULT_ACCOUNT_ID;
const SCRIPT_PATH = `/accounts/${ACCOUNT}/workers/scripts/cfm-maintenance`;
const MODULE = 'export default { fetch() { return new Response("down", { status: 503 }); } };';

let fake: FakeCloudflare;
let zone: FakeZone;

async function send(method: string, path: string, body?: FormData | object, token = TOKEN) {
  const init: RequestInit = { method, headers: { authorization: `Bearer ${token}` } };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { ...init.headers, 'content-type': 'application/json' };
  }
  const res = await fetch(`${fake.baseURL}${path}`, init);
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

function upload(parts: { metadata?: unknown; metadataAsField?: boolean; module?: { name: string; type?: string } } = {}): FormData {
  const form = new FormData();
  const metadata = JSON.stringify(parts.metadata ?? { main_module: 'maintenance.mjs', compatibility_date: '2025-09-01', tags: ['cfm-version-1'] });
  if (parts.metadataAsField) form.append('metadata', metadata);
  else form.append('metadata', new Blob([metadata], { type: 'application/json' }), 'metadata.json');
  const module = parts.module ?? { name: 'maintenance.mjs', type: 'application/javascript+module' };
  if (module.type === undefined) form.append(module.name, MODULE);
  else form.append(module.name, new Blob([MODULE], { type: module.type }), module.name);
  return form;
}

const refusal = (code: number, message: string | RegExp) => ({
  success: false,
  errors: [{ code, message: typeof message === 'string' ? message : expect.stringMatching(message) }],
});

beforeAll(async () => {
  fake = await FakeCloudflare.start();
});

afterAll(async () => {
  await fake.stop();
});

beforeEach(() => {
  fake.reset();
  fake.addToken({ token: TOKEN });
  zone = fake.addZone({ name: 'example.com' });
});

describe('FakeCloudflare: Worker script upload', () => {
  it('stores the module, its main module, compatibility date and tags (metadata as a file or a plain field)', async () => {
    const res = await send('PUT', SCRIPT_PATH, upload({ metadataAsField: true }));

    expect(res.status).toBe(200);
    expect(res.body.result).toMatchObject({ id: 'cfm-maintenance', has_modules: true, tags: ['cfm-version-1'], startup_time_ms: expect.any(Number) });
    expect(fake.workerScript(ACCOUNT, 'cfm-maintenance')).toMatchObject({ mainModule: 'maintenance.mjs', source: MODULE, compatibilityDate: '2025-09-01' });
    expect(fake.violations()).toEqual([]);
  });

  it('refuses an upload without a metadata part, or with its fields bracket-flattened into parts', async () => {
    const none = new FormData();
    none.append('maintenance.mjs', new Blob([MODULE], { type: 'application/javascript+module' }), 'maintenance.mjs');
    const flattened = new FormData();
    flattened.append('metadata[main_module]', 'maintenance.mjs');
    flattened.append('files[]', new Blob([MODULE], { type: 'application/javascript+module' }), 'maintenance.mjs');

    for (const form of [none, flattened]) {
      const res = await send('PUT', SCRIPT_PATH, form);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject(refusal(10021, 'could not read content for part metadata'));
    }
    expect(fake.workerScripts(ACCOUNT)).toEqual([]);
  });

  it('refuses a main_module that names no part, and a module part not typed application/javascript+module', async () => {
    const elsewhere = await send('PUT', SCRIPT_PATH, upload({ module: { name: 'index.mjs', type: 'application/javascript+module' } }));
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body).toMatchObject(refusal(10021, 'main_module "maintenance.mjs" names no part of the upload'));

    for (const type of ['application/javascript', undefined]) {
      const res = await send('PUT', SCRIPT_PATH, upload({ module: { name: 'maintenance.mjs', type } }));
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject(refusal(10021, /must be typed application\/javascript\+module/));
    }
    expect(fake.workerScripts(ACCOUNT)).toEqual([]);
  });

  it('refuses a compatibility date in the future or not a date', async () => {
    for (const date of ['2999-01-01', 'soon']) {
      const res = await send('PUT', SCRIPT_PATH, upload({ metadata: { main_module: 'maintenance.mjs', compatibility_date: date } }));
      expect(res.status).toBe(400);
      expect(res.body.errors[0].code).toBe(10021);
    }
  });

  it('answers 404/10007 for a script the account does not have', async () => {
    for (const [method, path] of [
      ['GET', `${SCRIPT_PATH}/script-settings`],
      ['DELETE', SCRIPT_PATH],
    ] as const) {
      const res = await send(method, path);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject(refusal(10007, 'workers.api.error.script_not_found'));
    }
  });
});

describe('FakeCloudflare: a Worker script on workers.dev', () => {
  it('starts on (and its Preview URLs), as Cloudflare assigns a new Worker its workers.dev route, and keeps the setting across uploads', async () => {
    await send('PUT', SCRIPT_PATH, upload());
    expect(await send('GET', `${SCRIPT_PATH}/subdomain`)).toEqual({ status: 200, body: expect.objectContaining({ result: { enabled: true, previews_enabled: true } }) });

    const off = await send('POST', `${SCRIPT_PATH}/subdomain`, { enabled: false, previews_enabled: false });
    expect(off.body.result).toEqual({ enabled: false, previews_enabled: false });
    await send('PUT', SCRIPT_PATH, upload());
    expect((await send('GET', `${SCRIPT_PATH}/subdomain`)).body.result).toEqual({ enabled: false, previews_enabled: false });
    expect(fake.workerScript(ACCOUNT, 'cfm-maintenance')?.workersDev).toEqual({ enabled: false, previewsEnabled: false });
    expect(fake.violations()).toEqual([]);
  });

  it('keeps the Preview URLs as they are when previews_enabled is left out, and lets a test turn workers.dev on as the dashboard does', async () => {
    await send('PUT', SCRIPT_PATH, upload());
    expect((await send('POST', `${SCRIPT_PATH}/subdomain`, { enabled: false })).body.result).toEqual({ enabled: false, previews_enabled: true });
    fake.setWorkersDevDirectly(ACCOUNT, 'cfm-maintenance', { enabled: true, previewsEnabled: false });
    expect((await send('GET', `${SCRIPT_PATH}/subdomain`)).body.result).toEqual({ enabled: true, previews_enabled: false });
  });

  it('refuses a body that is not the SDK’s SubdomainCreateParams, records the violation and changes nothing', async () => {
    await send('PUT', SCRIPT_PATH, upload());
    for (const body of [{ enabled: 'no' }, { enabled: false, workers_dev: false }, {}]) {
      const res = await send('POST', `${SCRIPT_PATH}/subdomain`, body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject(refusal(1001, /^Invalid request: /));
    }
    expect(fake.workerScript(ACCOUNT, 'cfm-maintenance')?.workersDev).toEqual({ enabled: true, previewsEnabled: true });
    expect(fake.violations()).toEqual([
      expect.stringMatching(/POST \/accounts\/\{account_id\}\/workers\/scripts\/\{script_name\}\/subdomain request body enabled/),
      expect.stringMatching(/subdomain request body \(root\): Unrecognized key/),
      expect.stringMatching(/subdomain request body enabled/),
    ]);
  });

  it('answers 404/10007 for a script the account does not have, and a write with Read only 403', async () => {
    expect((await send('GET', `${SCRIPT_PATH}/subdomain`)).body).toMatchObject(refusal(10007, 'workers.api.error.script_not_found'));
    await send('PUT', SCRIPT_PATH, upload());
    fake.setWorkersAccess(TOKEN, { scripts: 'read' });
    expect((await send('GET', `${SCRIPT_PATH}/subdomain`)).status).toBe(200);
    expect((await send('POST', `${SCRIPT_PATH}/subdomain`, { enabled: false })).status).toBe(403);
  });
});

describe('FakeCloudflare: Worker routes', () => {
  beforeEach(() => {
    fake.addWorkerScript(ACCOUNT, { name: 'cfm-maintenance' });
  });

  it('refuses a body that is not the SDK’s RouteCreateParams, and records the violation', async () => {
    const extra = await send('POST', `/zones/${zone.id}/workers/routes`, { pattern: 'example.com/*', script: 'cfm-maintenance', enabled: true });
    const missing = await send('POST', `/zones/${zone.id}/workers/routes`, { script: 'cfm-maintenance' });

    expect([extra.status, missing.status]).toEqual([400, 400]);
    expect(fake.violations()).toEqual([
      expect.stringContaining('POST /zones/{zone_id}/workers/routes request body'),
      expect.stringContaining('POST /zones/{zone_id}/workers/routes request body pattern'),
    ]);
    expect(fake.workerRoutes(zone.id)).toEqual([]);
  });

  it('refuses a route to a script the account does not have, and wildcards in the middle', async () => {
    const noScript = await send('POST', `/zones/${zone.id}/workers/routes`, { pattern: 'example.com/*', script: 'nope' });
    expect(noScript.body).toMatchObject(refusal(10007, 'workers.api.error.script_not_found'));

    for (const pattern of ['ww*.example.com/*', 'example.com/*/x', 'example.com/?a=1']) {
      const res = await send('POST', `/zones/${zone.id}/workers/routes`, { pattern, script: 'cfm-maintenance' });
      expect(res.body.errors[0].code).toBe(10022);
    }
  });

  it('refuses a second route with the same pattern, also on update', async () => {
    const first = await send('POST', `/zones/${zone.id}/workers/routes`, { pattern: 'example.com/*', script: 'cfm-maintenance' });
    const second = await send('POST', `/zones/${zone.id}/workers/routes`, { pattern: 'www.example.com/*' });
    expect(second.body.result).toEqual({ id: expect.stringMatching(/^[0-9a-f]{32}$/), pattern: 'www.example.com/*' });

    const again = await send('POST', `/zones/${zone.id}/workers/routes`, { pattern: 'example.com/*' });
    const moved = await send('PUT', `/zones/${zone.id}/workers/routes/${second.body.result.id}`, { pattern: 'example.com/*' });

    for (const res of [again, moved]) expect(res.body).toMatchObject(refusal(10020, 'A route with the same pattern already exists'));
    expect(fake.workerRoutes(zone.id).map((r) => r.pattern)).toEqual(['example.com/*', 'www.example.com/*']);
    expect(first.status).toBe(200);
  });

  it('answers 404 for a route that is gone', async () => {
    const res = await send('DELETE', `/zones/${zone.id}/workers/routes/${'0'.repeat(32)}`);
    expect(res.status).toBe(404);
  });

  it('applies injected faults to the Workers endpoints like to any other', async () => {
    fake.injectFault({ method: 'GET', path: `/zones/${zone.id}/workers/routes`, fault: { status: 503 } });
    expect((await send('GET', `/zones/${zone.id}/workers/routes`)).status).toBe(503);
    expect((await send('GET', `/zones/${zone.id}/workers/routes`)).status).toBe(200);
  });

  it('lets a test alter or remove a route behind our back, held to the same rules', () => {
    const route = fake.addWorkerRoute(zone.id, { pattern: 'example.com/*', script: 'cfm-maintenance' });
    fake.addWorkerScript(ACCOUNT, { name: 'their-worker' });

    expect(fake.alterWorkerRoute(zone.id, route.id, { script: 'their-worker' })).toMatchObject({ script: 'their-worker' });
    expect(fake.alterWorkerRoute(zone.id, route.id, { script: null })).toEqual({ id: route.id, zoneId: zone.id, pattern: 'example.com/*' });
    expect(() => fake.alterWorkerRoute(zone.id, route.id, { pattern: 'example.org/*' })).toThrow(/must include zone name/);
    expect(() => fake.addWorkerRoute(zone.id, { pattern: 'example.com/*' })).toThrow(/already has a route with this pattern/);
    fake.removeWorkerRouteDirectly(zone.id, route.id);
    expect(fake.workerRoutes(zone.id)).toEqual([]);
  });
});

describe('FakeCloudflare: Workers permissions', () => {
  it('answers 403/10000 without the group, and to a write with Read only', async () => {
    fake.setWorkersAccess(TOKEN, { scripts: 'none', routes: 'read' });

    const scripts = await send('GET', `/accounts/${ACCOUNT}/workers/scripts`);
    const routes = await send('GET', `/zones/${zone.id}/workers/routes`);
    const write = await send('POST', `/zones/${zone.id}/workers/routes`, { pattern: 'example.com/*' });

    expect([scripts.status, routes.status, write.status]).toEqual([403, 200, 403]);
    expect(write.body).toMatchObject(refusal(10000, 'Authentication error'));
    expect(fake.workerRoutes(zone.id)).toEqual([]);
  });

  it('refuses an account the token cannot reach', async () => {
    fake.addToken({ token: TOKEN, accountIds: ['0'.repeat(32)] });
    expect((await send('GET', `/accounts/${ACCOUNT}/workers/scripts`)).status).toBe(403);
  });
});
