import { bootId } from './boot-id.js';

/** Who wrote a lock or guard file. */
export interface Holder {
  pid: number;
  bootId: string | null;
}

export function isProcessAlive(pid: number): boolean {
  // pid 0 or a negative pid would signal a whole process group.
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Alive means: same kernel boot and the pid still exists. Deliberately no age or mtime check: PGlite
 * runs queries synchronously and can stall its owner's event loop for seconds (DESIGN.md §4).
 */
export function isHolderAlive(holder: Holder): boolean {
  const current = bootId();
  if (holder.bootId && current && holder.bootId !== current) return false;
  return isProcessAlive(holder.pid);
}

export function parseHolder(raw: string): Holder | null {
  try {
    const value = JSON.parse(raw) as Partial<Holder>;
    if (typeof value.pid !== 'number') return null;
    return { pid: value.pid, bootId: typeof value.bootId === 'string' ? value.bootId : null };
  } catch {
    return null;
  }
}
