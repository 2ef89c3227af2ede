import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';

/**
 * Sliding-window accounting for one token. A request counts from the moment it is sent until one
 * window after its answer came back: its arrival at Cloudflare lies somewhere in between, so no
 * window of Cloudflare's can see more than `limit` of ours, whatever the latency does.
 */
class TokenWindow {
  private readonly finished: number[] = [];
  private inFlight = 0;
  private pausedUntil = 0;
  private queue: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  acquire(): Promise<() => void> {
    const turn = this.queue.then(() => this.waitForSlot());
    this.queue = turn.catch(() => undefined);
    return turn.then(() => {
      this.inFlight += 1;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        this.inFlight -= 1;
        this.finished.push(Date.now());
        this.wake?.();
      };
    });
  }

  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
  }

  private async waitForSlot(): Promise<void> {
    for (;;) {
      const now = Date.now();
      while (this.finished.length && this.finished[0]! <= now - this.windowMs) this.finished.shift();
      if (now < this.pausedUntil) {
        await sleep(this.pausedUntil - now);
        continue;
      }
      if (this.finished.length + this.inFlight < this.limit) return;
      const untilOldestExpires = this.finished.length ? this.finished[0]! + this.windowMs - now : Infinity;
      await new Promise<void>((resolve) => {
        const timer = Number.isFinite(untilOldestExpires) ? setTimeout(resolve, untilOldestExpires) : undefined;
        this.wake = () => {
          clearTimeout(timer);
          this.wake = undefined;
          resolve();
        };
      });
    }
  }
}

/**
 * The per-token request budget shared by everything in this process (DESIGN.md §2: 1,200 requests
 * per 5 minutes per token), so that a bulk run of any size stays under Cloudflare's limit, and a 429
 * that still arrives pauses that token's work for the time Cloudflare asked.
 */
@Injectable()
export class RequestBudget {
  private readonly windows = new Map<string, TokenWindow>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Waits for a slot; call the returned function once the answer has been read. */
  acquire(token: string): Promise<() => void> {
    return this.window(token).acquire();
  }

  pause(token: string, ms: number): void {
    this.window(token).pause(ms);
  }

  private window(token: string): TokenWindow {
    // Keyed by a digest so that no map in memory holds the token itself.
    const key = createHash('sha256').update(token).digest('hex');
    let window = this.windows.get(key);
    if (!window) {
      window = new TokenWindow(this.config.CLOUDFLARE_RATE_LIMIT_REQUESTS, this.config.CLOUDFLARE_RATE_LIMIT_WINDOW_SECONDS * 1000);
      this.windows.set(key, window);
    }
    return window;
  }
}
