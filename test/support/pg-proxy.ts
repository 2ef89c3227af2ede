import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { ADMIN_DATABASE_URL } from './test-database.js';

/**
 * A TCP proxy in front of the tests' PostgreSQL that counts the statements its clients send (simple Query and
 * extended-protocol Execute messages), and can cut every connection and refuse new ones. A server started on
 * `url(...)` then shows how many queries it makes, and what it does when the database becomes unreachable.
 * pg_stat_statements would count too, but it needs shared_preload_libraries, which the tests' server lacks.
 */
export interface PgProxy {
  /** A database URL of the tests' server that goes through the proxy. */
  url(databaseUrl: string): string;
  readonly statements: number;
  resetCount(): void;
  /** Closes every connection at once and refuses new ones until `restore`. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startPgProxy(): Promise<PgProxy> {
  const target = new URL(ADMIN_DATABASE_URL);
  const sockets = new Set<Socket>();
  let statements = 0;
  let refusing = false;

  const server: Server = createServer((client) => {
    if (refusing) return client.destroy();
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    const counter = statementCounter(() => (statements += 1));
    client.on('data', (chunk: Buffer) => {
      counter(chunk);
      upstream.write(chunk);
    });
    upstream.pipe(client);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };

  return {
    url(databaseUrl) {
      const url = new URL(databaseUrl);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString();
    },
    get statements() {
      return statements;
    },
    resetCount() {
      statements = 0;
    },
    cut() {
      refusing = true;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      refusing = false;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/**
 * Reads a client's side of the PostgreSQL protocol: a startup message (length first, no type byte), then
 * messages of a type byte and a length. Counts 'Q' (a simple query) and 'E' (an extended-protocol execute).
 */
function statementCounter(onStatement: () => void): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  let started = false;
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      const header = started ? 5 : 4;
      if (pending.length < header) return;
      const length = started ? pending.readInt32BE(1) + 1 : pending.readInt32BE(0);
      if (pending.length < length) return;
      if (!started) {
        // An SSLRequest or GSSENCRequest is followed by another startup message; pg sends neither here.
        started = true;
      } else if (pending[0] === 0x51 || pending[0] === 0x45) {
        onStatement();
      }
      pending = pending.subarray(length);
    }
  };
}
