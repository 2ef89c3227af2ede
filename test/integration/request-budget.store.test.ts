import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { type BudgetLimits, RequestBudgetStore } from '../../src/cloudflare/request-budget.store.js';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const LIMITS: BudgetLimits = { requests: 5, windowMs: 1000, horizonMs: 1000, recoveryPerWindow: 0.05 };
let db: TestDatabase;
let other: DataSource;
/** Two stores on two connection pools: two processes on one database. */
let stores: RequestBudgetStore[];
let digestCounter = 0;
const freshDigest = () => String(++digestCounter).padStart(64, '0');

beforeAll(async () => {
  db = await createTestDatabase();
  other = await new DataSource(dataSourceOptions({ url: db.url }, 4)).initialize();
  stores = [new RequestBudgetStore(db.dataSource), new RequestBudgetStore(other)];
});

afterAll(async () => {
  await other?.destroy();
  await db?.drop();
});

async function budgetRow(digest: string) {
  const [row] = await db.dataSource.query(`SELECT * FROM cloudflare_rate_budgets WHERE token_digest = $1`, [digest]);
  return row as { sent_at: number[]; scale: number; paused_until: number; learned_limit: number | null };
}

describe('RequestBudgetStore', () => {
  it('never grants more than N slots in any W between two processes asking at once', async () => {
    const digest = freshDigest();
    const granted: number[] = [];
    const until = Date.now() + 2500;
    await Promise.all(
      [0, 1, 2, 3].map(async (worker) => {
        while (Date.now() < until) {
          const reservation = await stores[worker % 2].reserve(digest, LIMITS);
          if (reservation.granted) granted.push(reservation.slot);
          else await new Promise((resolve) => setTimeout(resolve, Math.min(reservation.waitMs, 50)));
        }
      }),
    );

    granted.sort((a, b) => a - b);
    const busiest = Math.max(...granted.map((start) => granted.filter((slot) => slot >= start && slot < start + LIMITS.windowMs).length));
    expect(granted.length).toBeGreaterThanOrEqual(10);
    expect(busiest).toBe(LIMITS.requests);
  });

  it('pauses every process on a 429, and halves the budget once per pause when our own requests do not explain it', async () => {
    const digest = freshDigest();
    await stores[0].signal(digest, LIMITS, { refused: true, pauseMs: 600 });
    await stores[1].signal(digest, LIMITS, { refused: true, pauseMs: 600 });

    // Halved once (the second 429 falls within the pause), plus what 5 % a window regains in a few ms.
    expect(Number((await budgetRow(digest)).scale)).toBeCloseTo(0.5, 2);
    const next = await stores[1].reserve(digest, LIMITS);
    expect(next.granted).toBe(true);
    expect(next.waitMs).toBeGreaterThan(400);
  });

  it('adopts the policy Cloudflare states, without halving when our own requests explain the 429, and gives the refused slot back', async () => {
    const digest = freshDigest();
    const slots = [];
    for (let i = 0; i < 3; i += 1) slots.push((await stores[0].reserve(digest, LIMITS)).slot);

    await stores[1].signal(digest, LIMITS, { refused: true, pauseMs: 10, policy: { limit: 2, windowMs: 1000 }, slot: slots[2] });

    const row = await budgetRow(digest);
    expect(row).toMatchObject({ scale: 1, learned_limit: 2 });
    expect(row.sent_at).toEqual(slots.slice(0, 2));
    expect((await stores[0].reserve(digest, LIMITS)).granted).toBe(false);
  });
});
