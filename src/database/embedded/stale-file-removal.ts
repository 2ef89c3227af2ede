import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { createExclusive, readIfExists } from './atomic-file.js';
import { bootId } from '../../common/boot-id.js';
import { isHolderAlive, parseHolder } from './holder-liveness.js';

export type StaleRemoval = 'removed' | 'changed' | 'contended';

const MAX_GUARD_DEPTH = 4;

/**
 * Removes `target` only if it still holds `staleContent`. Several processes may find the same stale
 * file at once: they all race for a guard file named after that content, and only the winner
 * re-reads and removes it, so nobody can delete a newer file written meanwhile. A guard left by a
 * process killed mid-takeover is itself stale and is removed the same way, one level up.
 *
 * 'removed': gone; 'changed': it no longer holds that content; 'contended': someone else is at it,
 * re-read and try again shortly.
 */
export async function removeStaleFile(target: string, staleContent: string, depth = 0): Promise<StaleRemoval> {
  const hash = createHash('sha256').update(staleContent).digest('hex').slice(0, 16);
  const guard = `${target}.takeover-${hash}`;
  const guardContent = JSON.stringify({ pid: process.pid, bootId: bootId(), since: new Date().toISOString() });
  if (await createExclusive(guard, guardContent)) {
    try {
      if ((await readIfExists(target)) !== staleContent) return 'changed';
      await fs.rm(target, { force: true });
      return 'removed';
    } finally {
      await fs.rm(guard, { force: true });
    }
  }
  const guardRaw = await readIfExists(guard);
  if (guardRaw === null) return 'contended';
  const guardHolder = parseHolder(guardRaw);
  if (guardHolder && isHolderAlive(guardHolder)) return 'contended';
  if (depth < MAX_GUARD_DEPTH) await removeStaleFile(guard, guardRaw, depth + 1);
  return 'contended';
}
