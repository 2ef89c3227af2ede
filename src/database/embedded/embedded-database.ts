import { promises as fs } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EmbeddedDatabaseBusyError } from './busy-error.js';
import { describeHolder, type LockAttempt, type OwnerLock, readLiveOwner, tryAcquireOwnerLock } from './owner-lock.js';
import type { PgliteHost } from './pglite-host.js';
import { announceWaitingServer, waitingServer, withdrawWaitingServer } from './server-intent.js';
import type { EmbeddedConnection, EmbeddedDatabase, EmbeddedRole, OpenEmbeddedDatabaseOptions } from './types.js';

const DEFAULT_WAIT_FOR_OWNER_MS: Record<EmbeddedRole, number> = { server: 30_000, cli: 120_000 };
const POLL_MS: Record<EmbeddedRole, [min: number, max: number]> = { server: [20, 40], cli: [50, 150] };
const PROBE_TIMEOUT_MS = 2_000;

/**
 * Opens the embedded database in `dataDir` safely when a server and several CLI processes start at
 * once (docs/embedded-database.md#who-serves-who-connects). Exactly one process owns the folder and
 * serves it over a socket; the caller always gets pg connection options, whether it serves the database
 * itself or not:
 * - nobody owns it (or its owner died): take the lock, open PGlite, serve it;
 * - a live server owns it: a CLI connects to it as a client; a server refuses (EmbeddedDatabaseBusyError);
 * - a live CLI owns it: wait (bounded by waitForOwnerMs) for it to finish, then try again; a server
 *   waiting so announces it, and CLIs then leave the lock to it.
 */
export async function openEmbeddedDatabase(options: OpenEmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const dataDir = resolve(options.dataDir);
  const log = options.log ?? (() => undefined);
  const waitForOwnerMs = options.waitForOwnerMs ?? DEFAULT_WAIT_FOR_OWNER_MS[options.role];
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (options.role === 'cli') return openOrWait(dataDir, 'cli', waitForOwnerMs, log);
  try {
    return await openOrWait(dataDir, 'server', waitForOwnerMs, log);
  } finally {
    await withdrawWaitingServer(dataDir);
  }
}

async function openOrWait(
  dataDir: string,
  role: EmbeddedRole,
  waitForOwnerMs: number,
  log: (message: string) => void,
): Promise<EmbeddedDatabase> {
  const deadline = Date.now() + waitForOwnerMs;
  let announcedWait: string | undefined;
  let announcedServer = false;
  for (;;) {
    // A CLI leaves a free lock to a server that is waiting for it, and connects once it serves.
    const server = role === 'cli' ? await waitingServer(dataDir) : null;
    let attempt: LockAttempt;
    if (server) {
      const holder = await readLiveOwner(dataDir);
      attempt = holder ? { kind: 'held', holder } : { kind: 'contended' };
    } else {
      attempt = await tryAcquireOwnerLock(dataDir, role, log);
    }
    if (attempt.kind === 'acquired') return serveAsOwner(dataDir, attempt.lock, log);

    let waitingFor = server ? `the server (pid ${server.pid}) that is starting` : 'a stale lock to be taken over';
    if (attempt.kind === 'held') {
      const holder = attempt.holder;
      const sameProcess = holder.pid === process.pid;
      if (role === 'server' && holder.role === 'server' && !sameProcess) {
        throw new EmbeddedDatabaseBusyError(
          `The embedded database in ${dataDir} is already served by another server: ${describeHolder(holder)}. ` +
            'Stop it first, or set DATABASE_URL to use PostgreSQL.',
        );
      }
      if ((holder.role === 'server' || sameProcess) && holder.ready && holder.socket && (await isListening(holder.socket))) {
        log(`Embedded database: connecting to ${describeHolder(holder)}`);
        return asClient(holder.socket);
      }
      if (role === 'server' && !announcedServer) {
        await announceWaitingServer(dataDir);
        announcedServer = true;
      }
      waitingFor = describeHolder(holder);
    }
    if (Date.now() >= deadline) {
      throw new EmbeddedDatabaseBusyError(
        `The embedded database in ${dataDir} is still in use after waiting ${waitForOwnerMs} ms for ${waitingFor}.`,
      );
    }
    if (announcedWait !== waitingFor) {
      announcedWait = waitingFor;
      log(`Embedded database: waiting for ${waitingFor}`);
    }
    const [min, max] = POLL_MS[role];
    await sleep(min + Math.random() * (max - min));
  }
}

async function serveAsOwner(dataDir: string, lock: OwnerLock, log: (message: string) => void): Promise<EmbeddedDatabase> {
  let host: PgliteHost | undefined;
  try {
    // Imported here: a process that connects to another owner, or to PostgreSQL, never loads PGlite.
    const { openPgliteHost } = await import('./pglite-host.js');
    host = await openPgliteHost(dataDir, log);
    await lock.publishReady(host.connection);
  } catch (error) {
    await host?.close().catch(() => undefined);
    await lock.release();
    throw error;
  }
  const served = host;
  let closing: Promise<void> | undefined;
  return {
    connection: served.connection,
    owner: true,
    close() {
      // The lock is released only once PGlite has closed (flushed); if closing fails it stays ours,
      // and becomes stale (so free) when this process exits.
      closing ??= served.close().then(() => lock.release());
      return closing;
    },
  };
}

function asClient(connection: EmbeddedConnection): EmbeddedDatabase {
  return { connection: { ...connection }, owner: false, close: async () => undefined };
}

/** A ready owner that is shutting down has already closed its socket: then wait for it like for a CLI. */
function isListening(socket: EmbeddedConnection): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const target = socket.host.startsWith('/')
      ? { path: join(socket.host, `.s.PGSQL.${socket.port}`) }
      : { host: socket.host, port: socket.port };
    const probe = connect(target);
    const done = (result: boolean) => {
      probe.destroy();
      resolvePromise(result);
    };
    probe.setTimeout(PROBE_TIMEOUT_MS, () => done(false));
    probe.once('connect', () => done(true));
    probe.once('error', () => done(false));
  });
}
