import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';

const HEALTH_TIMEOUT_MS = 3000;
/** However many health checks arrive, the database is asked at most this often (besides after `invalidate`). */
export const PROBE_INTERVAL_MS = 1000;

/** Whether the database answers: pings the connection itself, no table is involved. */
@Injectable()
export class DatabaseHealth {
  private last?: { at: number; reachable: Promise<boolean> };

  constructor(private readonly dataSource: DataSource) {}

  /** The answer of a probe started less than PROBE_INTERVAL_MS ago (shared while it runs), else of a new one. */
  reachable(): Promise<boolean> {
    const now = performance.now();
    if (!this.last || now - this.last.at >= PROBE_INTERVAL_MS) this.last = { at: now, reachable: this.probe() };
    return this.last.reachable;
  }

  /** Something saw the database go away (a lost connection): the next check asks it again at once. */
  invalidate(): void {
    this.last = undefined;
  }

  private probe(): Promise<boolean> {
    const answered = this.dataSource.query('SELECT 1').then(() => true, () => false);
    // Connecting to an unreachable host can hang for minutes; a health check has to answer.
    return Promise.race([answered, sleep(HEALTH_TIMEOUT_MS, false, { ref: false })]);
  }
}
