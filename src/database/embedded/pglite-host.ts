import { existsSync, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { installSessionQueue } from './session-queue.js';
import type { EmbeddedConnection } from './types.js';

export const PGLITE_DIR = 'pglite';
const PG_PORT = 5432;
/** sun_path holds 108 bytes on Linux (104 on macOS), including the terminating NUL. */
const MAX_SOCKET_PATH_BYTES = 103;
/** All connections share PGlite's one session anyway; the default (1) breaks TypeORM's pool. */
const MAX_CONNECTIONS = 128;
const STOP_TIMEOUT_MS = 5_000;

export interface PgliteHost {
  connection: EmbeddedConnection;
  close(): Promise<void>;
}

/**
 * Opens PGlite on `<dataDir>/pglite` and serves it over the PostgreSQL protocol: on a Unix socket
 * inside dataDir (pg connects with host = dataDir, port 5432), or on 127.0.0.1 when that path would
 * be too long. The caller must own dataDir's lock.
 */
export async function openPgliteHost(dataDir: string, log: (message: string) => void): Promise<PgliteHost> {
  const started = performance.now();
  const pgdata = join(dataDir, PGLITE_DIR);
  const creating = !existsSync(join(pgdata, 'PG_VERSION'));
  const db = await PGlite.create(pgdata);
  const elapsed = Math.round(performance.now() - started);
  log(`Embedded database: ${creating ? 'created' : 'opened'} ${pgdata} in ${elapsed} ms`);

  const socketPath = join(dataDir, `.s.PGSQL.${PG_PORT}`);
  const useUnixSocket = Buffer.byteLength(socketPath) <= MAX_SOCKET_PATH_BYTES;
  let server: PGLiteSocketServer | undefined;
  try {
    // A socket file left by a killed owner would make listen() fail with EADDRINUSE; we own the lock.
    if (useUnixSocket) await fs.rm(socketPath, { force: true });
    server = new PGLiteSocketServer(
      useUnixSocket
        ? { db, path: socketPath, maxConnections: MAX_CONNECTIONS }
        : { db, host: '127.0.0.1', port: 0, maxConnections: MAX_CONNECTIONS },
    );
    const queue = installSessionQueue(server, db);
    await server.start();
    // The protocol has no authentication here: only this user may connect (DATA_DIR may predate us).
    if (useUnixSocket) await fs.chmod(socketPath, 0o600);
    const connection: EmbeddedConnection = {
      host: useUnixSocket ? dataDir : '127.0.0.1',
      port: useUnixSocket ? PG_PORT : Number(server.getServerConn().split(':').pop()),
      user: 'postgres',
      database: 'postgres',
    };
    const listening = server;
    return {
      connection,
      async close() {
        await withTimeout(listening.stop(), STOP_TIMEOUT_MS);
        await queue.close();
        await db.close();
        if (useUnixSocket) await fs.rm(socketPath, { force: true });
      },
    };
  } catch (error) {
    await server?.stop().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw error;
  }
}

/** stop() waits for every client socket to close; a stuck one must not keep the lock forever. */
async function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
