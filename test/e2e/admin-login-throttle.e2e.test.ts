import { afterAll, describe, expect, it } from '@jest/globals';
import { AdminClient, loginError } from '../support/admin-client.js';
import { ADMIN_USER, adminSuite } from '../support/admin-suite.js';
import { startServer, type RunningServer } from '../support/run-server.js';

const others: RunningServer[] = [];
// Declared before the suite's teardown, which drops the database these servers use.
afterAll(async () => {
  await Promise.all(others.map((server) => server.stop()));
});
const suite = adminSuite();

type Outcome = 'logged in' | 'wrong password' | `refused: ${string}`;

/** One login attempt as the TLS proxy in front of `url` would pass it on from `address`. */
async function attempt(url: string, address: string, password: string): Promise<Outcome> {
  const answer = await new AdminClient(url, { 'x-forwarded-proto': 'https' }).login(ADMIN_USER.email, password, { 'x-forwarded-for': address });
  if (answer.status === 302) return 'logged in';
  if (answer.status === 200 && loginError(answer.text) === 'invalidCredentials') return 'wrong password';
  return `refused: ${loginError(answer.text)}`;
}

/** How many attempts reached the password check (an answer other than the throttle's refusal). */
function checked(outcomes: Outcome[]): number {
  return outcomes.filter((outcome) => !outcome.startsWith('refused')).length;
}

// Each test waits out real throttle periods and some start a server process of their own.
const SLOW_TEST_MS = 120_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Five free failures, then two more each after its wait (1 s, 2 s): the next attempt checked makes the
 * address wait 4 s, longer than a burst of parallel attempts takes here. `urls`: the servers to go through, in turn.
 */
async function failUntilTheWaitIsLong(address: string, urls: string[]): Promise<void> {
  for (let index = 0; index < 6; index += 1) expect(await attempt(urls[index % urls.length], address, `wrong ${index}`)).toBe('wrong password');
  await sleep(1100);
  expect(await attempt(urls.at(-1)!, address, 'wrong 6')).toBe('wrong password');
  await sleep(2100);
}

/** `count` attempts at once, spread over `urls`, with the right password last; and how long they took. */
async function burst(address: string, urls: string[], count: number): Promise<{ outcomes: Outcome[]; ms: number }> {
  const started = Date.now();
  const outcomes = await Promise.all(
    Array.from({ length: count }, (_, index) =>
      attempt(urls[index % urls.length], address, index === count - 1 ? ADMIN_USER.password : `parallel ${index}`),
    ),
  );
  return { outcomes, ms: Date.now() - started };
}

describe('login throttle', () => {
  it('checks at most one of many parallel attempts per wait period, even with the right password among them', async () => {
    const address = '203.0.113.10';
    const url = suite.server.url;
    await failUntilTheWaitIsLong(address, [url]);

    const first = await burst(address, [url], 100);
    expect(checked(first.outcomes)).toBe(1);
    expect(first.ms).toBeLessThan(4000);
    expect(first.outcomes.filter((outcome) => outcome.startsWith('refused'))).toHaveLength(99);
    expect(first.outcomes).toContain('refused: Too many failed logins from your address: try again in 4 s.');

    // After that wait, again one attempt of a burst is checked, and the next wait is 8 s.
    await sleep(4100);
    const second = await burst(address, [url], 50);
    expect(checked(second.outcomes)).toBe(1);
    expect(second.ms).toBeLessThan(8000);
    expect(second.outcomes).toContain('refused: Too many failed logins from your address: try again in 8 s.');
  }, SLOW_TEST_MS);

  it('counts one address together across two server processes on the same database', async () => {
    const other = await startServer(suite.env);
    others.push(other);
    const address = '203.0.113.20';
    const urls = [suite.server.url, other.url];
    await failUntilTheWaitIsLong(address, urls);

    const attempts = await burst(address, urls, 60);
    expect(checked(attempts.outcomes)).toBe(1);
    expect(attempts.ms).toBeLessThan(4000);
    expect(await attempt(other.url, address, ADMIN_USER.password)).toMatch(/^refused: Too many failed logins from your address: try again in [1-4] s\.$/);

    // A success on one process forgets the address on both.
    await sleep(4100);
    expect(await attempt(other.url, address, ADMIN_USER.password)).toBe('logged in');
    expect(await attempt(suite.server.url, address, 'wrong again')).toBe('wrong password');
    expect(await suite.db.dataSource.query(`SELECT address, failures FROM admin_login_throttle WHERE address = $1`, [address])).toEqual([
      { address, failures: 1 },
    ]);
  }, SLOW_TEST_MS);
});

describe('trusted proxies', () => {
  it('believes X-Forwarded-For only from TRUSTED_PROXIES: a direct client cannot pose as many addresses', async () => {
    // The tests connect from 127.0.0.1, which the default (loopback and private ranges) trusts; here it is not.
    const direct = await startServer({ ...suite.env, TRUSTED_PROXIES: '192.0.2.1, 10.1.0.0/16' });
    others.push(direct);

    const outcomes: Outcome[] = [];
    for (let index = 0; index < 7; index += 1) outcomes.push(await attempt(direct.url, `198.51.100.${index + 1}`, `spoofed ${index}`));

    expect(outcomes.slice(0, 6)).toEqual(Array(6).fill('wrong password'));
    expect(outcomes[6]).toBe('refused: Too many failed logins from your address: try again in 1 s.');
  }, SLOW_TEST_MS);

  it('refuses a malformed TRUSTED_PROXIES at start-up, naming it and what is accepted', async () => {
    const outcome = await startServer({ ...suite.env, TRUSTED_PROXIES: 'loopback, 10.0.0.0/33' }).then(
      (server) => others.push(server) && 'started',
      (error: Error) => error.message,
    );
    expect(outcome).toMatch(
      /Could not start: Invalid configuration in the environment:\n {2}TRUSTED_PROXIES: "10\.0\.0\.0\/33" is not an IP address, a CIDR range \(e\.g\. 10\.0\.0\.0\/8\) or one of loopback, linklocal, uniquelocal \(or the whole value none\)\n/,
    );
  }, SLOW_TEST_MS);
});
