/** What a change feed tells its subscriber. */
export interface ChangeHandlers {
  /** Something on the channel changed, or may have while the feed was not listening: load again. */
  changed(): void;
  /** The feed lost its connection to the database; it reconnects by itself, then calls `changed`. */
  lost(): void;
}

/** Tells a subscriber when data behind a channel changed (docs/maintenance-page.md#how-it-stays-fresh). */
export interface ChangeFeed {
  /**
   * Resolves once every change committed before the call has been announced to `changed` (or after a bounded
   * wait, when the database does not answer). Undefined when the feed cannot promise that, and callers take
   * what they have: while it is not connected, and on a polled feed, where a change shows within its interval.
   */
  caughtUp(): Promise<void> | undefined;
  close(): Promise<void>;
}

/**
 * A channel name is also the name of the sequence its triggers bump, and is written into SQL: only a plain
 * identifier is accepted.
 */
export function checkedChannel(channel: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`Not a channel name: ${channel}`);
  return channel;
}
