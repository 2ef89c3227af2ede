import type { DataSource, EntityManager } from 'typeorm';

export interface LoginThrottleOptions {
  /** Failures allowed before any wait. */
  freeFailures: number;
  /** The wait after the first failure beyond those; it doubles with each further one. */
  baseDelayMs: number;
  maxDelayMs: number;
}

const DEFAULTS: LoginThrottleOptions = { freeFailures: 5, baseDelayMs: 1000, maxDelayMs: 15 * 60_000 };
/** An address not seen for a day starts afresh; its row is deleted. */
const FORGET_AFTER = '1 day';
const PRUNE_EVERY_MS = 15 * 60_000;
const MAX_ADDRESS_LENGTH = 64;

/** How long an address must wait after its `failures`-th failure before it may try again. */
export function waitAfterFailures(failures: number, options: LoginThrottleOptions = DEFAULTS): number {
  const beyond = failures - options.freeFailures;
  if (beyond <= 0) return 0;
  return Math.min(options.baseDelayMs * 2 ** Math.min(beyond - 1, 40), options.maxDelayMs);
}

interface ThrottleRow {
  failures: number;
  blocked_until: Date;
  now: Date;
}

/**
 * Slows down password guessing from one address: after a few failures each attempt must wait, twice as
 * long after every further failure; a success forgets the address. Kept in PostgreSQL
 * (admin_login_throttle), so every server process on the database counts together. An attempt is
 * reserved, and counted as failed, before its password is checked, under the address's row lock: of any
 * number of parallel attempts, at most one per wait period gets through to the check.
 */
export class LoginThrottle {
  private readonly options: LoginThrottleOptions;
  private lastPrune = 0;

  constructor(
    private readonly dataSource: DataSource,
    options: Partial<LoginThrottleOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** 0 when this address may check a password now (the attempt is then counted), else how long it must still wait, in ms. */
  async reserve(rawAddress: string): Promise<number> {
    const address = rawAddress.slice(0, MAX_ADDRESS_LENGTH);
    await this.pruneNowAndThen();
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`INSERT INTO admin_login_throttle (address) VALUES ($1) ON CONFLICT (address) DO NOTHING`, [address]);
      const row = await lockedRow(manager, address);
      const now = row.now.getTime();
      const waitMs = row.blocked_until.getTime() - now;
      if (waitMs > 0) return waitMs;
      const failures = row.failures + 1;
      await manager.query(
        `UPDATE admin_login_throttle SET failures = $2, blocked_until = $3, last_attempt_at = $4 WHERE address = $1`,
        [address, failures, new Date(now + waitAfterFailures(failures, this.options)), row.now],
      );
      return 0;
    });
  }

  async succeeded(rawAddress: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM admin_login_throttle WHERE address = $1`, [rawAddress.slice(0, MAX_ADDRESS_LENGTH)]);
  }

  private async pruneNowAndThen(): Promise<void> {
    if (Date.now() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = Date.now();
    await this.dataSource.query(
      `DELETE FROM admin_login_throttle WHERE last_attempt_at < now() - interval '${FORGET_AFTER}' AND blocked_until < now()`,
    );
  }
}

async function lockedRow(manager: EntityManager, address: string): Promise<ThrottleRow> {
  // clock_timestamp(), not now(): the time when the lock was obtained, after any attempt queued before this one.
  const [row] = await manager.query<ThrottleRow[]>(
    `SELECT failures, blocked_until, clock_timestamp() AS now FROM admin_login_throttle WHERE address = $1 FOR UPDATE`,
    [address],
  );
  return row;
}
