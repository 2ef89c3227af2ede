import { Logger } from '@nestjs/common';
import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ChangeFeed, type ChangeHandlers, checkedChannel } from './change-feed.js';

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 10_000;
/** How long caughtUp waits for the database before it gives up (and answers at once until it reconnects). */
const CATCH_UP_TIMEOUT_MS = 200;

/**
 * PostgreSQL's LISTEN on a connection of its own, outside the pool, so that a busy pool never delays a
 * notification. A lost connection is reported at once and reopened with backoff (250 ms doubling to 10 s,
 * with jitter); once it listens again, `changed` is called, since whatever happened meanwhile went unheard.
 */
export class NotifyChangeFeed implements ChangeFeed {
  private readonly logger = new Logger(NotifyChangeFeed.name);
  private readonly stopping = new AbortController();
  private client?: pg.Client;
  private readonly running: Promise<void>;
  /** The last round trip sent on the connection, and the one that callers are waiting to send after it. */
  private lastSent: Promise<void> = Promise.resolve();
  private nextToSend?: Promise<void>;

  constructor(
    private readonly connection: pg.ClientConfig,
    private readonly channel: string,
    private readonly handlers: ChangeHandlers,
  ) {
    checkedChannel(channel);
    this.running = this.listenUntilClosed();
  }

  /**
   * A round trip on the listening connection: PostgreSQL signals listeners when a transaction commits, and
   * a backend sends the notifications it holds before it answers a query, so once an empty query sent after
   * this call is answered, every change committed before the call has reached `changed`. Callers arriving while one
   * round trip is under way share the next, so the database sees at most one at a time, whatever the number
   * of callers.
   */
  caughtUp(): Promise<void> | undefined {
    const client = this.client;
    if (!client) return undefined;
    this.nextToSend ??= Promise.race([
      this.lastSent.then(() => {
        this.nextToSend = undefined;
        this.lastSent = client.query('').then(
          () => undefined,
          () => undefined,
        );
        return this.lastSent;
      }),
      sleep(CATCH_UP_TIMEOUT_MS, undefined, { ref: false }),
    ]);
    return this.nextToSend;
  }

  async close(): Promise<void> {
    this.stopping.abort();
    await this.client?.end().catch(() => undefined);
    await this.running;
  }

  private async listenUntilClosed(): Promise<void> {
    let retryMs = FIRST_RETRY_MS;
    let failing = false;
    while (!this.stopping.signal.aborted) {
      const client = await this.listening().catch((error: unknown) => {
        if (!failing) this.logger.warn(`Cannot listen for changes on ${this.channel}, retrying (${String(error)})`);
        failing = true;
        return undefined;
      });
      if (!client) {
        await sleep(retryMs * (0.5 + Math.random() / 2), undefined, { signal: this.stopping.signal }).catch(() => undefined);
        retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
        continue;
      }
      if (failing) this.logger.log(`Listening for changes on ${this.channel} again`);
      failing = false;
      retryMs = FIRST_RETRY_MS;
      this.client = client;
      this.lastSent = Promise.resolve();
      this.nextToSend = undefined;
      this.handlers.changed();
      await new Promise((resolve) => client.once('end', resolve));
      this.client = undefined;
      if (this.stopping.signal.aborted) return;
      this.logger.warn(`Lost the connection listening for changes on ${this.channel}; reconnecting`);
      this.handlers.lost();
    }
  }

  private async listening(): Promise<pg.Client> {
    const client = new pg.Client({ ...this.connection, keepAlive: true });
    // An error ends the connection, and 'end' is what the loop waits for.
    client.on('error', () => undefined);
    client.on('notification', (message) => {
      if (message.channel === this.channel) this.handlers.changed();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
  }
}
