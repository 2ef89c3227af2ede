import { readFileSync } from 'node:fs';

let cached: string | null | undefined;

/**
 * Identifies the running kernel boot, so that a lock written before a reboot is recognised as stale
 * even if its pid has been reused since. Null where the kernel does not expose it (non-Linux).
 */
export function bootId(): string | null {
  if (cached === undefined) {
    try {
      cached = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
    } catch {
      cached = null;
    }
  }
  return cached;
}
