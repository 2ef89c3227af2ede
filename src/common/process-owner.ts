import { hostname } from 'node:os';
import { bootId } from './boot-id.js';
import { isProcessAlive } from './process-liveness.js';

/** "host:pid:boot-id" of this process, stored with claims and pending audit rows. */
export function currentProcessOwner(): string {
  return `${hostname()}:${process.pid}:${bootId() ?? ''}`;
}

/**
 * True only when we can tell that the owning process is gone: it ran on this host and its boot ended
 * or its pid no longer exists. Another host's process cannot be checked; callers fall back to age.
 */
export function isOwnerGone(owner: string | null): boolean {
  if (!owner) return false;
  const [host, pid, boot] = owner.split(':');
  if (host !== hostname()) return false;
  const currentBoot = bootId();
  if (boot && currentBoot && boot !== currentBoot) return true;
  return !isProcessAlive(Number(pid));
}
