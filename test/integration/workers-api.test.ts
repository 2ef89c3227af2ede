import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import Cloudflare from 'cloudflare';
import { CloudflareApiError } from '../../src/cloudflare/cloudflare-api.error.js';
import { CloudflareGateway } from '../../src/cloudflare/cloudflare.gateway.js';
import type { KeyBoundClient } from '../../src/cloudflare/key-bound-client.js';
import type { WorkerScriptUpload } from '../../src/cloudflare/workers.js';
import { DEFAULT_ACCOUNT_ID, FakeCloudflare, type FakeZone } from '../support/fake-cloudflare/index.js';
import { TEST_TOKEN } from '../support/scenario.js';
import { createTestContext, testEnv, type TestContext } from '../support/test-context.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * The Workers calls of the Cloudflare layer (KeyBoundClient → gateway → SDK) against the fake over HTTP: script
 * upload, tags and delete, routes, a lost answer on each write, the permission probes, and a user's own route.
 */

const SCRIPT = 'cfm-maintenance';
const ACCOUNT = DEFAULT_ACCOUNT_ID;

let fake: FakeCloudflare;
let db: TestDatabase;
let ctx: TestContext;
let zone: FakeZone;
let client: KeyBoundClient;

const upload = (version: string): WorkerScriptUpload => ({
  accountId: ACCOUNT,
  scriptName: SCRIPT,
  moduleName: 'maintenance.mjs',
  source: `export default { async fetch() { return new Response('${version}', { status: 503 }); } };`,
  compatibilityDate: '2025-09-01',
  tags: [`cfm-version-${version}`],
});

const writes = () => fake.exchanges.filter((e) => e.method !== 'GET');
const failureOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

beforeAll(async () => {
  fake = await FakeCloudflare.start();
  db = await createTestDatabase();
  ctx = await createTestContext(testEnv(db.url, fake.baseURL));
});

afterAll(async () => {
  await ctx?.close();
  await db?.drop();
  await fake?.stop();
});

beforeEach(() => {
  fake.reset();
  fake.addToken({ token: TEST_TOKEN });
  zone = fake.addZone({ name: 'example.com' });
  client = ctx.app.get(CloudflareGateway).forToken(TEST_TOKEN, async () => {});
});

describe('Worker scripts', () => {
  it('uploads a module as metadata + module parts, reads its tags back and deletes it', async () => {
    await client.uploadWorkerScript(upload('a1'));

    expect(fake.workerScript(ACCOUNT, SCRIPT)).toMatchObject({
      mainModule: 'maintenance.mjs',
      source: upload('a1').source,
      compatibilityDate: '2025-09-01',
      tags: ['cfm-version-a1'],
    });
    const [put] = writes();
    expect(put.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    await expect(client.getWorkerScript(ACCOUNT, SCRIPT)).resolves.toEqual({ name: SCRIPT, tags: ['cfm-version-a1'] });

    await expect(client.deleteWorkerScript(ACCOUNT, SCRIPT)).resolves.toBe(true);
    await expect(client.getWorkerScript(ACCOUNT, SCRIPT)).resolves.toBeNull();
    await expect(client.deleteWorkerScript(ACCOUNT, SCRIPT)).resolves.toBe(false);
    expect(fake.workerScripts(ACCOUNT)).toEqual([]);
    expect(fake.violations()).toEqual([]);
  });

  it('replaces the whole script on a second upload', async () => {
    await client.uploadWorkerScript(upload('a1'));
    await client.uploadWorkerScript(upload('b2'));

    expect(fake.workerScripts(ACCOUNT)).toHaveLength(1);
    expect(fake.workerScript(ACCOUNT, SCRIPT)).toMatchObject({ source: upload('b2').source, tags: ['cfm-version-b2'] });
    await expect(client.getWorkerScript(ACCOUNT, SCRIPT)).resolves.toEqual({ name: SCRIPT, tags: ['cfm-version-b2'] });
  });

  it('keeps one script when the answer to the upload is lost and the PUT is repeated', async () => {
    fake.injectFault({ method: 'PUT', path: `/accounts/${ACCOUNT}/workers/scripts/${SCRIPT}`, fault: 'reset', afterHandling: true });

    await client.uploadWorkerScript(upload('a1'));

    expect(writes().filter((e) => e.method === 'PUT')).toHaveLength(2);
    expect(fake.workerScripts(ACCOUNT).map((s) => s.name)).toEqual([SCRIPT]);
    expect(fake.workerScript(ACCOUNT, SCRIPT)?.tags).toEqual(['cfm-version-a1']);
  });

  it('reads whether the script answers on workers.dev, and turns it off with its Preview URLs through the SDK’s subdomain.create', async () => {
    await expect(client.getWorkersDev(ACCOUNT, SCRIPT)).resolves.toBeNull();
    await client.uploadWorkerScript(upload('a1'));
    await expect(client.getWorkersDev(ACCOUNT, SCRIPT)).resolves.toEqual({ enabled: true, previewsEnabled: true });

    await expect(client.disableWorkersDev(ACCOUNT, SCRIPT)).resolves.toEqual({ enabled: false, previewsEnabled: false });

    const post = writes().find((e) => e.method === 'POST');
    expect(post?.path).toBe(`/accounts/${ACCOUNT}/workers/scripts/${SCRIPT}/subdomain`);
    await expect(client.getWorkersDev(ACCOUNT, SCRIPT)).resolves.toEqual({ enabled: false, previewsEnabled: false });
    expect(fake.violations()).toEqual([]);
  });

  it('turns workers.dev off once the answer to that POST was lost and it is repeated, and names the Edit permission a Read token lacks', async () => {
    await client.uploadWorkerScript(upload('a1'));
    fake.injectFault({ method: 'POST', path: `/accounts/${ACCOUNT}/workers/scripts/${SCRIPT}/subdomain`, fault: 'reset', afterHandling: true });
    await client.disableWorkersDev(ACCOUNT, SCRIPT);
    expect(writes().filter((e) => e.method === 'POST')).toHaveLength(2);
    expect(fake.workerScript(ACCOUNT, SCRIPT)?.workersDev).toEqual({ enabled: false, previewsEnabled: false });

    fake.setWorkersAccess(TEST_TOKEN, { scripts: 'read' });
    const refused = await failureOf(client.disableWorkersDev(ACCOUNT, SCRIPT));
    expect(refused).toBeInstanceOf(CloudflareApiError);
    expect((refused as Error).message).toMatch(/lacks Workers Scripts Edit \(account\)/);
  });

  it('is refused, as Cloudflare refuses it, when sent through the SDK’s own workers.scripts.update (cloudflare-typescript#2799)', async () => {
    const sdk = new Cloudflare({ apiToken: TEST_TOKEN, baseURL: fake.baseURL, maxRetries: 0, logLevel: 'off' });
    const { source, moduleName, compatibilityDate, tags } = upload('a1');

    const outcome = await failureOf(
      sdk.workers.scripts.update(SCRIPT, {
        account_id: ACCOUNT,
        metadata: { main_module: moduleName, compatibility_date: compatibilityDate, tags },
        files: [new File([source], moduleName, { type: 'application/javascript+module' })],
      }),
    );

    const refused = outcome instanceof Cloudflare.APIError && outcome.status === 400 && outcome.error?.errors?.[0]?.code === 10021;
    if (!refused) {
      throw new Error(
        'client.workers.scripts.update no longer sends the broken shape of cloudflare-typescript#2799 ' +
          `(the fake answered ${outcome instanceof Error ? outcome.message : 'success'}). If the SDK fixed its upload, ` +
          'switch uploadWorkerScript (src/cloudflare/workers-api.ts) back to the SDK method and update docs/cloudflare-facts.md#workers-script-upload.',
      );
    }
    const [put] = writes();
    expect(put.headers['content-type']).toBe('application/javascript');
    expect(outcome.error.errors[0].message).toMatch(/^Uncaught SyntaxError: .*\n {2}at worker\.js:1:\d+$/);
    expect(fake.violations()).toEqual([expect.stringContaining('is not multipart/form-data (the shape of cloudflare-typescript#2799)')]);
    expect(fake.workerScripts(ACCOUNT)).toEqual([]);
  });
});

describe('Worker routes', () => {
  beforeEach(async () => {
    await client.uploadWorkerScript(upload('a1'));
  });

  it('creates, lists, updates and deletes a route', async () => {
    const created = await client.createWorkerRoute(zone.id, 'example.com/*', SCRIPT);
    expect(created).toEqual({ id: expect.stringMatching(/^[0-9a-f]{32}$/), pattern: 'example.com/*', script: SCRIPT });
    await expect(client.listWorkerRoutes(zone.id)).resolves.toEqual([created]);

    const updated = await client.updateWorkerRoute(zone.id, created.id, '*.example.com/*', SCRIPT);
    expect(updated).toEqual({ ...created, pattern: '*.example.com/*' });
    expect(fake.workerRoutes(zone.id)).toEqual([{ ...updated, zoneId: zone.id }]);

    await expect(client.deleteWorkerRoute(zone.id, created.id)).resolves.toBe(true);
    await expect(client.deleteWorkerRoute(zone.id, created.id)).resolves.toBe(false);
    await expect(client.listWorkerRoutes(zone.id)).resolves.toEqual([]);
    expect(fake.violations()).toEqual([]);
  });

  it('names the other route when the pattern is taken (Cloudflare code 10020)', async () => {
    fake.addWorkerScript(ACCOUNT, { name: 'their-worker' });
    fake.addWorkerRoute(zone.id, { pattern: 'example.com/*', script: 'their-worker' });

    const error = await failureOf(client.createWorkerRoute(zone.id, 'example.com/*', SCRIPT));

    expect(error).toBeInstanceOf(CloudflareApiError);
    expect((error as CloudflareApiError).code).toBe(10020);
    expect((error as CloudflareApiError).message).toMatch(/already has another Worker route with the pattern example\.com\/\*/);
    expect(fake.workerRoutes(zone.id)).toHaveLength(1);
  });

  it('refuses a pattern outside the zone (10022) and a zone already at 1,000 routes', async () => {
    await expect(client.createWorkerRoute(zone.id, 'example.org/*', SCRIPT)).rejects.toMatchObject({ code: 10022 });
    for (let i = 0; i < 1000; i += 1) fake.addWorkerRoute(zone.id, { pattern: `example.com/p${i}/*`, script: SCRIPT });

    await expect(client.createWorkerRoute(zone.id, 'example.com/*', SCRIPT)).rejects.toThrow(/at most 1000 Worker routes/);
    expect(fake.workerRoutes(zone.id)).toHaveLength(1000);
  });

  it('adopts the route a lost answer created, leaving exactly one', async () => {
    const post = fake.injectFault({ method: 'POST', path: `/zones/${zone.id}/workers/routes`, fault: 'reset', afterHandling: true });

    const route = await client.createWorkerRoute(zone.id, 'example.com/*', SCRIPT);

    expect(post.spent()).toBe(true);
    expect(fake.workerRoutes(zone.id)).toEqual([{ ...route, zoneId: zone.id }]);
    expect(writes().filter((e) => e.method === 'POST')).toHaveLength(1);
  });

  it('retries a route creation that failed with a 5xx and leaves one route', async () => {
    fake.injectFault({ method: 'POST', path: `/zones/${zone.id}/workers/routes`, fault: { status: 502 } });

    const route = await client.createWorkerRoute(zone.id, 'example.com/*', SCRIPT);

    expect(fake.workerRoutes(zone.id)).toEqual([{ ...route, zoneId: zone.id }]);
  });

  it('never touches a user’s own route while listing, creating and deleting ours', async () => {
    fake.addWorkerScript(ACCOUNT, { name: 'their-worker' });
    const theirs = fake.addWorkerRoute(zone.id, { pattern: 'example.com/blog/*', script: 'their-worker' });

    const ours = await client.createWorkerRoute(zone.id, 'example.com/*', SCRIPT);
    const listed = await client.listWorkerRoutes(zone.id);
    expect(listed.filter((route) => route.script === SCRIPT)).toEqual([ours]);
    await client.deleteWorkerRoute(zone.id, ours.id);

    expect(fake.workerRoutes(zone.id)).toEqual([theirs]);
    expect(writes().every((e) => !e.path.endsWith(theirs.id))).toBe(true);
  });
});

describe('Workers permissions', () => {
  it('is satisfied by a token with Edit on both groups, with read probes only', async () => {
    await expect(client.missingWorkerPermissions(ACCOUNT, zone.id)).resolves.toEqual([]);
    expect(writes()).toEqual([]);
  });

  it('names each missing permission before any write', async () => {
    fake.setWorkersAccess(TEST_TOKEN, { scripts: 'none' });
    await expect(client.missingWorkerPermissions(ACCOUNT, zone.id)).resolves.toEqual(['Workers Scripts Edit (account)']);

    fake.setWorkersAccess(TEST_TOKEN, { routes: 'none' });
    await expect(client.missingWorkerPermissions(ACCOUNT, zone.id)).resolves.toEqual(['Workers Routes Edit (zone)']);

    fake.setWorkersAccess(TEST_TOKEN, { scripts: 'none', routes: 'none' });
    await expect(client.missingWorkerPermissions(ACCOUNT, zone.id)).resolves.toEqual([
      'Workers Scripts Edit (account)',
      'Workers Routes Edit (zone)',
    ]);
    expect(writes()).toEqual([]);
  });

  it('cannot tell Read from Edit: a Read token passes the probes, and a refused write names the Edit permission', async () => {
    fake.setWorkersAccess(TEST_TOKEN, { scripts: 'read', routes: 'read' });

    await expect(client.missingWorkerPermissions(ACCOUNT, zone.id)).resolves.toEqual([]);
    const refused = await failureOf(client.uploadWorkerScript(upload('a1')));
    expect(refused).toMatchObject({ code: 10000, details: { httpStatus: 403 } });
    expect((refused as Error).message).toMatch(/^The API token lacks Workers Scripts Edit \(account\) \(it may hold only Read\)\. Cloudflare refused/);
    expect(fake.workerScripts(ACCOUNT)).toEqual([]);

    fake.setWorkersAccess(TEST_TOKEN, { scripts: 'edit', routes: 'read' });
    await client.uploadWorkerScript(upload('a1'));
    await expect(client.createWorkerRoute(zone.id, 'example.com/*', SCRIPT)).rejects.toThrow(/^The API token lacks Workers Routes Edit \(zone\)/);
    expect(fake.workerRoutes(zone.id)).toEqual([]);
  });
});
