import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { createExclusive, readIfExists, replaceAtomically } from './atomic-file.js';
import { bootId } from '../../common/boot-id.js';
import { isProcessAlive } from '../../common/process-liveness.js';
import { isHolderAlive, parseHolder } from './holder-liveness.js';
import { removeStaleFile } from './stale-file-removal.js';
import type { EmbeddedConnection, EmbeddedRole } from './types.js';

/** The one owner of DATA_DIR's PGlite folder (two processes opening it corrupt it: docs/embedded-database.md#one-owner). */
export const OWNER_LOCK_FILE = 'owner.lock';

export interface OwnerLockContent {
  pid: number;
  bootId: string | null;
  role: EmbeddedRole;
  /** ISO time the lock was taken. */
  since: string;
  /** Tells our lock from a later one written by a process that got the same pid. */
  token: string;
  /** True once the owner is listening at `socket`. */
  ready: boolean;
  socket?: EmbeddedConnection;
}

export type LockAttempt =
  | { kind: 'acquired'; lock: OwnerLock }
  | { kind: 'held'; holder: OwnerLockContent }
  /** A stale lock is being taken over by someone else: look again shortly. */
  | { kind: 'contended' };

export function describeHolder(holder: OwnerLockContent): string {
  const { socket } = holder;
  const where = !socket
    ? ', not serving yet'
    : socket.host.startsWith('/')
      ? `, socket ${socket.host}/.s.PGSQL.${socket.port}`
      : `, socket ${socket.host}:${socket.port}`;
  return `${holder.role} (pid ${holder.pid}, since ${holder.since}${where})`;
}

function parseLockContent(raw: string): OwnerLockContent | null {
  try {
    const value = JSON.parse(raw) as Partial<OwnerLockContent>;
    if (typeof value.pid !== 'number' || (value.role !== 'server' && value.role !== 'cli')) return null;
    return {
      pid: value.pid,
      bootId: typeof value.bootId === 'string' ? value.bootId : null,
      role: value.role,
      since: String(value.since),
      token: String(value.token),
      ready: value.ready === true,
      socket: value.socket,
    };
  } catch {
    return null;
  }
}

export class OwnerLock {
  constructor(
    readonly path: string,
    private content: OwnerLockContent,
  ) {}

  /** Tells waiting processes where to connect. Rewritten atomically: the lock never disappears meanwhile. */
  async publishReady(socket: EmbeddedConnection): Promise<void> {
    await this.assertStillOurs();
    this.content = { ...this.content, ready: true, socket };
    await replaceAtomically(this.path, JSON.stringify(this.content));
  }

  /** Removes the lock file, only if it is still ours. */
  async release(): Promise<void> {
    if (await this.isStillOurs()) await fs.rm(this.path, { force: true });
  }

  private async isStillOurs(): Promise<boolean> {
    const raw = await readIfExists(this.path);
    return raw !== null && parseLockContent(raw)?.token === this.content.token;
  }

  private async assertStillOurs(): Promise<void> {
    if (!(await this.isStillOurs())) throw new Error(`The lock ${this.path} was taken from this process (pid ${process.pid})`);
  }
}

/**
 * One attempt to own `dataDir`: take the lock if free, take it over if its holder is dead (pid gone
 * or another boot), else report the live holder.
 */
export async function tryAcquireOwnerLock(
  dataDir: string,
  role: EmbeddedRole,
  log: (message: string) => void,
): Promise<LockAttempt> {
  const path = join(dataDir, OWNER_LOCK_FILE);
  // A few rounds: the lock may be released, or a stale one removed, between our steps.
  for (let round = 0; round < 5; round++) {
    const content: OwnerLockContent = {
      pid: process.pid,
      bootId: bootId(),
      role,
      since: new Date().toISOString(),
      token: randomUUID(),
      ready: false,
    };
    if (await createExclusive(path, JSON.stringify(content))) {
      await removeLeftovers(dataDir);
      return { kind: 'acquired', lock: new OwnerLock(path, content) };
    }
    const raw = await readIfExists(path);
    if (raw === null) continue;
    const holder = parseLockContent(raw);
    if (holder && isHolderAlive(holder)) return { kind: 'held', holder };
    const removal = await removeStaleFile(path, raw);
    if (removal === 'contended') return { kind: 'contended' };
    if (removal === 'removed') {
      log(
        holder
          ? `Embedded database: removed the stale lock of ${describeHolder(holder)}, which is no longer running`
          : `Embedded database: removed an unreadable lock file ${path}`,
      );
    }
  }
  return { kind: 'contended' };
}

/** The live holder of dataDir's lock, without trying to take it. */
export async function readLiveOwner(dataDir: string): Promise<OwnerLockContent | null> {
  const raw = await readIfExists(join(dataDir, OWNER_LOCK_FILE));
  const holder = raw === null ? null : parseLockContent(raw);
  return holder && isHolderAlive(holder) ? holder : null;
}

const TEMP_FILE = /^owner\.lock.*\.(\d+)\.[0-9a-f]+\.tmp$/;
const GUARD_FILE = /^owner\.lock(\.takeover-[0-9a-f]+)+$/;

/** Files left by processes killed between writing and linking a temp file, or in the middle of a takeover. */
async function removeLeftovers(dataDir: string): Promise<void> {
  for (const name of await fs.readdir(dataDir)) {
    const path = join(dataDir, name);
    const tempOwner = TEMP_FILE.exec(name)?.[1];
    if (tempOwner && !isProcessAlive(Number(tempOwner))) await fs.rm(path, { force: true });
    if (GUARD_FILE.test(name)) {
      const raw = await readIfExists(path);
      const holder = raw === null ? null : parseHolder(raw);
      if (raw !== null && !(holder && isHolderAlive(holder))) await removeStaleFile(path, raw);
    }
  }
}
