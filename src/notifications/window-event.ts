/** What a webhook receiver is told about a maintenance window. */
export const WINDOW_EVENT_TYPES = [
  'window.starting_soon',
  'window.started',
  'window.ended',
  'window.failed',
  'window.end_failing',
  'window.missed',
  'window.cancelled',
] as const;
export type WindowEventType = (typeof WINDOW_EVENT_TYPES)[number];

export interface WindowEvent {
  type: WindowEventType;
  /** When it happened (ISO 8601, UTC). */
  at: string;
  window: {
    id: string;
    title: string;
    reason: string | null;
    timezone: string;
    startsAt: string;
    endsAt: string;
    recurrence: string | null;
  };
  sites: { total: number; enabled: number; alreadyOn: number; failed: number; failures: { domain: string; error: string }[] };
  /** One line for people, e.g. "Maintenance window “DB upgrade” started: 3 sites in maintenance." */
  summary: string;
}
