import { bootId } from '../../common/boot-id.js';
import { isProcessAlive } from '../../common/process-liveness.js';

/** Who wrote a lock or guard file. */
export interface Holder {
  pid: number;
  bootId: string | null;
}

/**
 * Alive means: same kernel boot and the pid still exists. Deliberately no age or mtime check: PGlite
 * runs queries synchronously and can stall its owner's event loop for seconds (docs/embedded-database.md#one-owner).
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
