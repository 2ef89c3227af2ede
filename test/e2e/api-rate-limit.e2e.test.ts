import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiClient } from '../support/api-client.js';
import { type RunningServer, startServer } from '../support/run-server.js';
import { serviceSuite } from '../support/service-suite.js';

const LIMIT = 3;
const suite = serviceSuite();
let server: RunningServer;
let api: ApiClient;

beforeAll(async () => {
  server = await startServer({ ...suite.env, API_RATE_LIMIT_PER_MINUTE: String(LIMIT), SCHEDULER_ENABLED: 'false' });
  api = await ApiClient.connect(server.url);
}, 60_000);

afterEach(() => {
  expect(api.violations()).toEqual([]);
});

afterAll(async () => {
  await server?.stop();
});

describe('the rate limit of each token', () => {
  it('answers 429 with Retry-After past the limit, and counts each token on its own', async () => {
    const { token: first } = await suite.ctx.apiTokens.create({ name: 'busy', role: 'viewer' });
    const { token: second } = await suite.ctx.apiTokens.create({ name: 'quiet', role: 'viewer' });
    for (let i = 0; i < LIMIT; i += 1) expect((await api.request('GET', '/api/v1/sites', { token: first })).status).toBe(200);

    const limited = await api.request('GET', '/api/v1/sites', { token: first });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 'rate_limited', status: 429 });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);

    expect((await api.request('GET', '/api/v1/sites', { token: second })).status).toBe(200);
  });
});
