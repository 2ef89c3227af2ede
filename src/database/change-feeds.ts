import type { ChangeFeed, ChangeHandlers } from './change-feed.js';
import { NotifyChangeFeed } from './notify-change-feed.js';
import type { OpenDatabase } from './open-database.js';
import { PolledChangeFeed } from './polled-change-feed.js';

/** How often the embedded database's change sequence is read: a change shows within this plus one load. */
export const EMBEDDED_POLL_MS = 500;

/** Opens a change feed on a channel: LISTEN/NOTIFY on PostgreSQL, a poll of the channel's sequence on the embedded database. */
export class ChangeFeeds {
  constructor(private readonly database: OpenDatabase) {}

  open(channel: string, handlers: ChangeHandlers): ChangeFeed {
    if (this.database.embedded) return new PolledChangeFeed(this.database.dataSource, channel, EMBEDDED_POLL_MS, handlers);
    const { target } = this.database;
    const connection =
      'url' in target
        ? { connectionString: target.url }
        : { host: target.host, port: target.port, user: target.user, database: target.database };
    return new NotifyChangeFeed(connection, channel, handlers);
  }
}
