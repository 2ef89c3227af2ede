import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import type { RateLimitSignal } from './rate-limit-headers.js';
import { type BudgetLimits, type Reservation, RequestBudgetStore } from './request-budget.store.js';
import type { RateLimitDeadline } from './retry-policy.js';

const DEFAULT_PAUSE_MS = 1000;

/** Where a request was counted in the budget. */
export interface Slot {
  /** On the database's clock. */
  at: number;
  marginMs: number;
  /** When it was sent, on this process's monotonic clock. */
  sentAt: number;
}

/**
 * The per-token request budget (docs/rate-limits.md), kept in the database so that every process on it
 * (server replicas, the CLI, a cron `process-scheduled`) stays under Cloudflare's limit together. A 429
 * pauses that token's work everywhere, and the budget adapts down to what Cloudflare actually allows.
 */
@Injectable()
export class RequestBudget {
  private readonly limits: BudgetLimits;
  /** Per token digest: the tail of this process's queue of refused requests, so that one of them at a time asks the database again. */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly store: RequestBudgetStore,
  ) {
    this.limits = {
      requests: config.CLOUDFLARE_RATE_LIMIT_REQUESTS,
      windowMs: config.CLOUDFLARE_RATE_LIMIT_WINDOW_SECONDS * 1000,
      horizonMs: 1000,
      recoveryPerWindow: 0.05,
    };
  }

  /**
   * Waits for a slot and counts the request in it. With a `deadline` (a call already rate-limited), a slot
   * beyond it is not waited for: the wait ends at the deadline with the rate-limit error.
   */
  async acquire(token: string, deadline?: RateLimitDeadline): Promise<Slot> {
    const digest = digestOf(token);
    let refused: Reservation | undefined;
    if (!this.queues.has(digest)) {
      // Nobody in this process waits for this token: ask at once, beside the requests asking now. Their
      // statements take turns on the token's row in the database, as those of several processes do, without
      // a round trip each in between; only a refusal sends the request into the queue.
      refused = await this.store.reserve(digest, this.limits);
      if (refused.granted) return this.take(refused);
    }
    const ahead = this.queues.get(digest);
    let leave!: () => void;
    const turn = new Promise<void>((resolve) => (leave = resolve));
    const tail = (ahead ?? Promise.resolve()).then(() => turn);
    this.queues.set(digest, tail);
    await ahead;
    try {
      // With nobody ahead, the refusal just received already says how long to wait.
      let reservation = ahead ? undefined : refused;
      for (;;) {
        reservation ??= await this.store.reserve(digest, this.limits);
        const { granted, waitMs } = reservation;
        if (granted) {
          leave();
          return await this.take(reservation);
        }
        if (deadline && Date.now() + waitMs > deadline.at) {
          leave();
          await sleep(Math.max(0, deadline.at - Date.now()));
          throw deadline.error();
        }
        await sleep(waitMs);
        reservation = undefined;
      }
    } finally {
      leave();
      if (this.queues.get(digest) === tail) this.queues.delete(digest);
    }
  }

  /** Waits for a granted slot (at most the horizon ahead). */
  private async take({ waitMs, slot, marginMs }: Reservation): Promise<Slot> {
    if (waitMs > 0) await sleep(waitMs);
    return { at: slot, marginMs, sentAt: performance.now() };
  }

  /** Cloudflare answered 429 to the request sent in `slot`. */
  rateLimited(token: string, slot: Slot, signal: RateLimitSignal = {}): Promise<void> {
    return this.store.signal(digestOf(token), this.limits, {
      refused: true,
      pauseMs: signal.retryAfterMs ?? signal.resetMs ?? DEFAULT_PAUSE_MS,
      policy: signal.policy,
      slot: slot.at,
    });
  }

  /**
   * Any other answer, or none (a timeout). A request slower than the window's margin (a busy host, a slow
   * network) may have reached Cloudflare that late, so it is counted from its answer instead. When the
   * answer says the quota is spent, every process waits for it to reset.
   */
  async finished(token: string, slot: Slot, signal: RateLimitSignal = {}): Promise<void> {
    const lateMs = performance.now() - slot.sentAt;
    if (lateMs > slot.marginMs) await this.store.moveSlot(digestOf(token), slot.at, slot.at + lateMs);
    if (signal.remaining !== 0) return;
    await this.store.signal(digestOf(token), this.limits, {
      refused: false,
      pauseMs: signal.resetMs ?? DEFAULT_PAUSE_MS,
      policy: signal.policy,
    });
  }
}

/** The budget is keyed by a digest so that neither memory nor the database holds the token itself. */
function digestOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
