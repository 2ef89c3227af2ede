import type { LoggerService } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';

/** After a failed load, the next attempts wait this long (the last value repeats). */
const RETRY_MS = [1000, 2000, 5000, 10_000, 30_000];
/** How long a visitor waits for a load under way after a change before the last snapshot answers. */
const WAIT_FOR_LOAD_MS = 1000;

/**
 * Runs `load` whenever asked, one load at a time: the requests made while one runs are folded into a single
 * load after it. A failed load keeps what the last good one left, is logged once until a load succeeds
 * again, and is retried with backoff.
 */
export class SnapshotRefresh {
  private requested = 0;
  private loaded = 0;
  private running?: Promise<void>;
  private runningOrLate?: Promise<void>;
  private failures = 0;
  private retry?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly load: () => Promise<void>,
    private readonly logger: LoggerService,
  ) {}

  /** Loads now, or once more after the load under way. */
  request(): void {
    if (this.stopped) return;
    this.requested += 1;
    if (this.running) return;
    clearTimeout(this.retry);
    const running = this.loadUntilCurrent().finally(() => {
      this.running = undefined;
      this.runningOrLate = undefined;
    });
    this.running = running;
    this.runningOrLate = Promise.race([running, sleep(WAIT_FOR_LOAD_MS, undefined, { ref: false })]);
  }

  /** The first load; it fails only in the log, like any other. */
  async start(): Promise<void> {
    this.request();
    await this.running;
  }

  /**
   * While a requested load runs, what to wait for before answering: the load, or WAIT_FOR_LOAD_MS, whichever
   * comes first. Undefined when nothing is under way, or while loads fail (visitors then never wait).
   */
  pending(): Promise<void> | undefined {
    return this.failures === 0 ? this.runningOrLate : undefined;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
  }

  private async loadUntilCurrent(): Promise<void> {
    while (this.loaded < this.requested && !this.stopped) {
      const target = this.requested;
      try {
        await this.load();
      } catch (error) {
        this.failed(error);
        return;
      }
      this.loaded = target;
      if (this.failures > 0) this.logger.log('The maintenance pages are loaded from the database again');
      this.failures = 0;
    }
  }

  private failed(error: unknown): void {
    if (this.failures === 0) {
      this.logger.warn(`Showing the maintenance pages last loaded: the site lookup failed (${String(error)}); retrying`);
    }
    const delay = RETRY_MS[Math.min(this.failures, RETRY_MS.length - 1)];
    this.failures += 1;
    this.retry = setTimeout(() => this.request(), delay).unref();
  }
}
