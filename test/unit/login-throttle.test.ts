import { describe, expect, it } from '@jest/globals';
import { waitAfterFailures } from '../../src/admin/login-throttle.js';

// The throttle's counting itself (in PostgreSQL, under parallel attempts and several processes) is tested
// through the built server in test/e2e/admin-login-throttle.e2e.test.ts.
describe('waitAfterFailures', () => {
  it('lets a few failures pass, then makes each attempt wait twice as long as the last, up to a cap', () => {
    const options = { freeFailures: 3, baseDelayMs: 1000, maxDelayMs: 8000 };
    expect(Array.from({ length: 8 }, (_, index) => waitAfterFailures(index + 1, options))).toEqual([0, 0, 0, 1000, 2000, 4000, 8000, 8000]);
  });

  it('waits 1 s after the 6th failure by default, and at most 15 minutes however many follow', () => {
    expect([5, 6, 7, 15, 16, 10_000].map((failures) => waitAfterFailures(failures))).toEqual([0, 1000, 2000, 512_000, 900_000, 900_000]);
  });
});
