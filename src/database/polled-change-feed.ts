import type { DataSource } from 'typeorm';
import { type ChangeFeed, type ChangeHandlers, checkedChannel } from './change-feed.js';

/**
 * The embedded database cannot deliver NOTIFY to a listener: pglite-socket runs every client on PGlite's
 * single session and hands each answer to the client whose query produced it (docs/embedded-database.md).
 * So the sequence that the channel's triggers bump is read every `intervalMs` instead; a new value means a
 * change committed. On PGlite that read is a few microseconds, and no transaction of another client is open
 * while it runs, so a bumped value is always a committed one.
 */
export class PolledChangeFeed implements ChangeFeed {
  private readonly timer: NodeJS.Timeout;
  private seen?: string;
  private reading = false;
  private unreachable = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly channel: string,
    intervalMs: number,
    private readonly handlers: ChangeHandlers,
  ) {
    checkedChannel(channel);
    this.timer = setInterval(() => void this.poll(), intervalMs).unref();
  }

  caughtUp(): undefined {
    return undefined;
  }

  close(): Promise<void> {
    clearInterval(this.timer);
    return Promise.resolve();
  }

  private async poll(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      const [row] = await this.dataSource.query<{ version: string }[]>(
        `SELECT last_value::text || ':' || is_called::text AS version FROM ${this.channel}`,
      );
      this.unreachable = false;
      if (row.version !== this.seen) {
        this.seen = row.version;
        this.handlers.changed();
      }
    } catch {
      if (!this.unreachable) this.handlers.lost();
      this.unreachable = true;
      // Once it answers again, whatever it says counts as a change.
      this.seen = undefined;
    } finally {
      this.reading = false;
    }
  }
}
