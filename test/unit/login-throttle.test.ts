import { describe, expect, it } from '@jest/globals';
import { LoginThrottle } from '../../src/admin/login-throttle.js';

function clock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('LoginThrottle', () => {
  it('lets a few failures pass, then makes each attempt wait twice as long as the last, up to a cap', () => {
    const time = clock();
    const throttle = new LoginThrottle({ freeFailures: 3, baseDelayMs: 1000, maxDelayMs: 8000 }, time.now);
    const waits: number[] = [];
    for (let attempt = 0; attempt < 8; attempt += 1) {
      throttle.failed('198.51.100.7');
      waits.push(throttle.waitMs('198.51.100.7'));
      time.advance(waits.at(-1)!);
    }
    expect(waits).toEqual([0, 0, 0, 1000, 2000, 4000, 8000, 8000]);
  });

  it('counts each address on its own, and forgets one after it logs in', () => {
    const time = clock();
    const throttle = new LoginThrottle({ freeFailures: 1, baseDelayMs: 1000 }, time.now);
    throttle.failed('a');
    throttle.failed('a');
    expect(throttle.waitMs('a')).toBe(1000);
    expect(throttle.waitMs('b')).toBe(0);
    time.advance(400);
    expect(throttle.waitMs('a')).toBe(600);

    throttle.succeeded('a');
    throttle.failed('a');
    expect(throttle.waitMs('a')).toBe(0);
  });

  it('keeps at most maxAddresses, dropping the least recently failed', () => {
    const throttle = new LoginThrottle({ freeFailures: 0, baseDelayMs: 1000, maxAddresses: 2 }, clock().now);
    throttle.failed('a');
    throttle.failed('b');
    throttle.failed('a');
    throttle.failed('c');
    expect([throttle.waitMs('a'), throttle.waitMs('b'), throttle.waitMs('c')]).toEqual([2000, 0, 1000]);
  });
});
