import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeCloudflare } from '../support/fake-cloudflare/index.js';
import { AdminClient, loginError } from '../support/admin-client.js';
import { runCli } from '../support/run-cli.js';
import { startServer } from '../support/run-server.js';
import { TEST_TOKEN } from '../support/scenario.js';

let fake: FakeCloudflare;
let dataDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  fake = await FakeCloudflare.start();
  fake.addToken({ token: TEST_TOKEN });
  dataDir = await mkdtemp(join(tmpdir(), 'cm-embedded-'));
  // No DATABASE_URL and no APP_SECRET_KEY: the newcomer's `npm start`.
  env = { DATA_DIR: dataDir, CLOUDFLARE_API_BASE_URL: fake.baseURL, PUBLIC_URL: 'https://maintenance.example.net' };
});

afterAll(async () => {
  await fake?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the embedded default database', () => {
  it('lets the CLI create, migrate and use it on its own, with a generated secret key', async () => {
    const zone = fake.addZone({ name: 'embedded.com' });

    expect((await runCli(['api-keys', 'add', 'local', '--default'], { env, stdin: TEST_TOKEN })).code).toBe(0);
    expect((await runCli(['sites', 'add', 'embedded.com'], { env })).code).toBe(0);

    expect((await stat(join(dataDir, 'secret.key'))).mode & 0o777).toBe(0o600);
    const listed = await runCli(['list', '--json'], { env });
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ domain: 'embedded.com', zoneId: zone.id })]);
  });

  it('serves the running server and concurrent CLIs from one database', async () => {
    const server = await startServer(env);
    try {
      const page = await fetch(`${server.url}/maintenance?site=embedded.com`);
      expect(page.status).toBe(503);
      expect(page.headers.get('retry-after')).toBe('600');
      expect(await page.text()).toContain('embedded.com is down for maintenance');

      const [enabled, ...statuses] = await Promise.all([
        runCli(['enable', 'embedded.com', '--reason', 'while the server runs'], { env }),
        ...Array.from({ length: 4 }, () => runCli(['status', '--json'], { env })),
      ]);
      expect(enabled.code).toBe(0);
      expect(statuses.map((status) => status.code)).toEqual([0, 0, 0, 0]);
      const after = JSON.parse((await runCli(['status', 'embedded.com', '--json'], { env })).stdout);
      expect(after).toEqual([expect.objectContaining({ inMaintenance: true, reason: 'while the server runs' })]);

      // No admin user yet: the log and the login page say how to create one; then it works, sessions included.
      expect(server.output()).toContain(
        'No admin user yet: create one with `maintenance admin create-user <email>`, then log in at https://maintenance.example.net/admin',
      );
      const browser = new AdminClient(server.url, { 'x-forwarded-proto': 'https' });
      expect(loginError((await browser.login('ops@example.com', 'a long enough passphrase')).text)).toBe(
        'No admin user yet: create one with `maintenance admin create-user <email>`.',
      );
      expect((await runCli(['admin', 'create-user', 'ops@example.com'], { env, stdin: 'a long enough passphrase' })).code).toBe(0);
      expect((await browser.login('ops@example.com', 'a long enough passphrase')).status).toBe(302);
      expect((await browser.list('CloudflareSite')).records).toEqual([expect.objectContaining({ params: expect.objectContaining({ domain: 'embedded.com' }) })]);
      expect((await stat(join(dataDir, 'session.secret'))).mode & 0o777).toBe(0o600);
    } finally {
      expect(await server.stop()).toEqual({ code: null, signal: 'SIGTERM' });
    }
    expect(server.output()).not.toContain(TEST_TOKEN);

    const disabled = await runCli(['disable', 'embedded.com'], { env });
    expect(disabled.code).toBe(0);
  });

  it('refuses a second server on the same data folder, naming the first', async () => {
    const first = await startServer(env);
    try {
      const second = await startServer(env).catch((error: Error) => error);
      expect(second).toBeInstanceOf(Error);
      expect(String(second as Error)).toMatch(new RegExp(`server.*${first.process.pid}`));
    } finally {
      await first.stop();
    }
  });
});
