import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FakeCloudflare } from '../support/fake-cloudflare/index.js';
import { fetchPage, pageWithin } from '../support/maintenance-page.js';
import { runCli } from '../support/run-cli.js';
import { type RunningServer, startServer } from '../support/run-server.js';
import { TEST_TOKEN } from '../support/scenario.js';

/**
 * On the embedded database, the server cannot LISTEN (pglite-socket shares one session between its clients):
 * its page snapshot polls the change sequence instead. Changes made by the built CLI, which reaches the
 * database through the server's socket, must still show on the page within 2 s.
 */

let fake: FakeCloudflare;
let dataDir: string;
let env: Record<string, string>;
let server: RunningServer;

beforeAll(async () => {
  fake = await FakeCloudflare.start();
  fake.addToken({ token: TEST_TOKEN });
  dataDir = await mkdtemp(join(tmpdir(), 'cm-page-embedded-'));
  env = { DATA_DIR: dataDir, CLOUDFLARE_API_BASE_URL: fake.baseURL, PUBLIC_URL: 'https://maintenance.example.net', SCHEDULER_ENABLED: 'false' };
  // A fresh embedded database is created and migrated first: slow on a busy machine.
  server = await startServer(env, 90_000);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await fake?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function cli(args: string[], stdin?: string): Promise<string> {
  const result = await runCli(args, { env, stdin });
  expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: '' });
  return result.stdout;
}

describe('the page snapshot on the embedded database', () => {
  it('shows a site registered, a window started and a window ended by the built CLI, each within 2 s', async () => {
    await cli(['api-keys', 'add', 'local', '--default'], TEST_TOKEN);
    fake.addZone({ name: 'embedded-page.com' });
    expect((await fetchPage(server.url, 'embedded-page.com')).html).toContain('This site is down for maintenance');

    await cli(['sites', 'add', 'embedded-page.com', '--name', 'Embedded Page']);
    await pageWithin(server.url, 'embedded-page.com', (html) => html.includes('Embedded Page is down for maintenance'));

    const added = JSON.parse(
      await cli(['schedule', 'add', '--title', 'Disks', '--sites', 'embedded-page.com', '--reason', 'Swapping the disks.',
        '--start', new Date(Date.now() + 1000).toISOString(), '--duration', '60', '--json']),
    ) as { id: string };
    await sleep(1100);
    await cli(['process-scheduled']);
    const started = await pageWithin(server.url, 'embedded-page.com', (html) => html.includes('Swapping the disks.'));
    expect(started.retryAfter).toBeGreaterThan(59 * 60 - 60);

    await cli(['schedule', 'cancel', added.id]);
    const ended = await pageWithin(server.url, 'embedded-page.com', (html) => !html.includes('Swapping the disks.'));
    expect(ended.retryAfter).toBe(600);
  }, 120_000);
});
