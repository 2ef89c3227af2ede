import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { bootId } from './boot-id.js';
import { isProcessAlive } from './process-liveness.js';

/** Tells this process from an earlier one with the same pid (a restarted container is pid 1 again). */
const INSTANCE = randomBytes(4).toString('hex');

/** "host:pid:boot-id:instance" of this process, stored with claims and pending audit rows. */
export function currentProcessOwner(): string {
  return `${hostname()}:${process.pid}:${bootId() ?? ''}:${INSTANCE}`;
}

/**
 * Whether the process that wrote `owner` still runs. Only a process of this host can be checked
 * (its boot ended, or its pid is gone, or the pid is now ours); another host's is 'unknown' and
 * callers fall back to age.
 */
export function ownerStatus(owner: string | null): 'alive' | 'gone' | 'unknown' {
  if (!owner) return 'unknown';
  const [host, pid, boot] = owner.split(':');
  if (host !== hostname()) return 'unknown';
  const currentBoot = bootId();
  if (boot && currentBoot && boot !== currentBoot) return 'gone';
  if (Number(pid) === process.pid) return owner === currentProcessOwner() ? 'alive' : 'gone';
  return isProcessAlive(Number(pid)) ? 'alive' : 'gone';
}

export function isOwnerGone(owner: string | null): boolean {
  return ownerStatus(owner) === 'gone';
}
