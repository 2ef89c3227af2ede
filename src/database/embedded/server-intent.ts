import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { readIfExists, replaceAtomically } from './atomic-file.js';
import { bootId } from '../../common/boot-id.js';
import { type Holder, isHolderAlive, parseHolder } from './holder-liveness.js';
import { removeStaleFile } from './stale-file-removal.js';

/**
 * A server waiting for a CLI owner says so here, and CLIs then leave the lock to it and become its
 * clients; otherwise CLIs started in a loop could keep taking the lock until the server gives up.
 * Only a priority hint: the owner lock alone keeps the folder safe.
 */
export const SERVER_INTENT_FILE = 'server.waiting';

export async function announceWaitingServer(dataDir: string): Promise<void> {
  const holder = { pid: process.pid, bootId: bootId(), since: new Date().toISOString() };
  await replaceAtomically(join(dataDir, SERVER_INTENT_FILE), JSON.stringify(holder));
}

export async function withdrawWaitingServer(dataDir: string): Promise<void> {
  const path = join(dataDir, SERVER_INTENT_FILE);
  const raw = await readIfExists(path);
  if (raw !== null && parseHolder(raw)?.pid === process.pid) await fs.rm(path, { force: true });
}

/** The live server (in another process) waiting to own dataDir, if any. */
export async function waitingServer(dataDir: string): Promise<Holder | null> {
  const path = join(dataDir, SERVER_INTENT_FILE);
  const raw = await readIfExists(path);
  if (raw === null) return null;
  const holder = parseHolder(raw);
  if (holder && isHolderAlive(holder)) return holder.pid === process.pid ? null : holder;
  await removeStaleFile(path, raw);
  return null;
}
