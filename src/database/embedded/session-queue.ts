import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

const READY_FOR_QUERY = 0x5a; // 'Z'
const IDLE = 0x49; // 'I': ReadyForQuery status outside any transaction
const TERMINATE = 0x58; // 'X'
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);
const ROLLBACK = simpleQuery('ROLLBACK');

function simpleQuery(sql: string): Uint8Array {
  const text = Buffer.from(`${sql}\0`, 'utf8');
  const message = Buffer.alloc(5 + text.length);
  message[0] = 0x51; // 'Q'
  message.writeInt32BE(4 + text.length, 1);
  text.copy(message, 5);
  return new Uint8Array(message);
}

/** Follows the backend messages of one response, across chunks, to learn whether it ended idle. */
class ResponseTracker {
  private header = Buffer.alloc(5);
  private headerBytes = 0;
  private bodyLeft = 0;
  private bodyStarts = false;
  private lastType = 0;
  private lastFirstBodyByte = -1;

  push(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.bodyLeft > 0) {
        if (this.bodyStarts) {
          this.lastFirstBodyByte = chunk[i];
          this.bodyStarts = false;
        }
        const n = Math.min(this.bodyLeft, chunk.length - i);
        i += n;
        this.bodyLeft -= n;
        continue;
      }
      this.header[this.headerBytes++] = chunk[i++];
      if (this.headerBytes === 5) {
        this.headerBytes = 0;
        this.lastType = this.header[0];
        this.bodyLeft = this.header.readInt32BE(1) - 4;
        this.bodyStarts = true;
        this.lastFirstBodyByte = -1;
      }
    }
  }

  /** 'idle' | 'busy' from a final ReadyForQuery; null when the response did not end with one. */
  get finalState(): 'idle' | 'busy' | null {
    if (this.lastType !== READY_FOR_QUERY || this.bodyLeft > 0) return null;
    return this.lastFirstBodyByte === IDLE ? 'idle' : 'busy';
  }
}

interface Pending {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: Error) => void;
  /** Not a client message: end what the disconnected handler left open. */
  reset?: boolean;
}

/**
 * Replaces pglite-socket 0.2's query queue, which lets connections interleave inside one another's
 * extended-protocol exchange (it only holds other connections while `isInTransaction()`, which is
 * false between Parse and Sync). With the socket handler splitting packets into single messages, a
 * message larger than one socket read lets another connection's Parse replace the unnamed statement
 * before Bind: wrong statement, wrong parameters (docs/embedded-database.md#one-session-for-every-connection).
 *
 * Rule here: all connections share one PGlite session, and a connection owns it from its first
 * message until PGlite answers ReadyForQuery 'I' (idle); meanwhile only that connection's messages
 * run. A connection that goes away while owning it is reset (Sync, then ROLLBACK if needed).
 * Consequence: a client must not wait, inside a transaction, for a query on another connection.
 */
export class SessionQueue {
  private pending: Pending[] = [];
  private owner: number | null = null;
  private running: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new Error('The embedded database is closing'));
      this.pending.push({ handlerId, message, onData, resolve, reject });
      this.run();
    });
  }

  getQueueLength(): number {
    return this.pending.length;
  }

  clearQueueForHandler(handlerId: number): void {
    const keep: Pending[] = [];
    for (const item of this.pending) {
      if (item.handlerId === handlerId && !item.reset) item.reject(new Error('Handler disconnected'));
      else keep.push(item);
    }
    this.pending = keep;
  }

  /** Called by the socket handler when its connection goes away; never rejects (callers do not catch). */
  clearTransactionIfNeeded(handlerId: number): Promise<void> {
    return new Promise<void>((resolve) => {
      // First in line, so that it runs as soon as the session is this handler's or nobody's.
      this.pending.unshift({
        handlerId,
        message: SYNC,
        onData: () => undefined,
        resolve: () => resolve(),
        reject: () => resolve(),
        reset: true,
      });
      this.run();
    });
  }

  /** Refuses new messages and waits for the ones under way. Call after the socket server has stopped. */
  async close(): Promise<void> {
    this.closed = true;
    await this.running;
    for (const item of this.pending.splice(0)) {
      if (item.reset) item.resolve(0);
      else item.reject(new Error('The embedded database is closing'));
    }
  }

  private run(): void {
    this.running ??= this.drain().finally(() => {
      this.running = null;
    });
  }

  private async drain(): Promise<void> {
    for (let item = this.takeNext(); item; item = this.takeNext()) {
      if (item.reset) await this.reset(item);
      else await this.execute(item);
    }
  }

  private takeNext(): Pending | undefined {
    const index = this.owner === null ? 0 : this.pending.findIndex((item) => item.handlerId === this.owner);
    return index < 0 ? undefined : this.pending.splice(index, 1)[0];
  }

  private async execute(item: Pending): Promise<void> {
    if (this.closed) return item.reject(new Error('The embedded database is closing'));
    const response = new ResponseTracker();
    let bytes = 0;
    try {
      await this.db.runExclusive(() =>
        this.db.execProtocolRawStream(item.message, {
          onRawData: (data) => {
            bytes += data.length;
            response.push(data);
            item.onData(data);
          },
        }),
      );
    } catch (error) {
      return item.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const state = response.finalState;
    if (state === 'idle') this.owner = null;
    else if (state === 'busy' || item.message[0] !== TERMINATE) this.owner = item.handlerId;
    item.resolve(bytes);
  }

  private async reset(item: Pending): Promise<void> {
    if (this.owner === item.handlerId && !this.closed) {
      try {
        await this.db.runExclusive(async () => {
          const discard = { onRawData: () => undefined };
          await this.db.execProtocolRawStream(SYNC, discard);
          if (this.db.isInTransaction()) await this.db.execProtocolRawStream(ROLLBACK, discard);
        });
      } catch {
        // The database is going away; nothing left to clean.
      }
      this.owner = null;
    }
    item.resolve(0);
  }
}

/**
 * Puts a SessionQueue in place of the server's own queue. The server hands `queryQueue` to each
 * connection handler when it accepts the connection, so this must run before `start()`.
 */
export function installSessionQueue(server: PGLiteSocketServer, db: PGlite): SessionQueue {
  const internals = server as unknown as { queryQueue?: { enqueue?: unknown; clearTransactionIfNeeded?: unknown } };
  if (typeof internals.queryQueue?.enqueue !== 'function' || typeof internals.queryQueue.clearTransactionIfNeeded !== 'function') {
    throw new Error('@electric-sql/pglite-socket changed its internals: cannot install the session queue (see docs/embedded-database.md#one-session-for-every-connection)');
  }
  const queue = new SessionQueue(db);
  (internals as { queryQueue: unknown }).queryQueue = queue;
  return queue;
}
