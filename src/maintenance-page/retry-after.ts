import type { MaintenancePageView } from './maintenance-page.service.js';

/** Seconds until the active window ends (at least 1), or the configured default without one. */
export function retryAfterSeconds(page: MaintenancePageView | null, now: Date, defaultSeconds: number): number {
  if (!page?.window) return defaultSeconds;
  return Math.max(1, Math.ceil((page.window.endsAt.getTime() - now.getTime()) / 1000));
}
