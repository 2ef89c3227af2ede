import type { WindowEvent } from '../../src/notifications/window-event.js';

/** A "window started" event with one site in maintenance, changed by `overrides`. */
export function aWindowEvent(overrides: Partial<WindowEvent> = {}): WindowEvent {
  return {
    type: 'window.started',
    at: '2026-12-06T01:00:02.000Z',
    window: {
      id: '6f1c2a7e-0b5d-4c9e-9a43-2d8e5f7b1c30',
      title: 'DB upgrade',
      reason: 'Moving to a faster database.',
      timezone: 'Europe/Paris',
      startsAt: '2026-12-06T01:00:00.000Z',
      endsAt: '2026-12-06T02:30:00.000Z',
      recurrence: null,
    },
    sites: { total: 1, enabled: 1, alreadyOn: 0, failed: 0, failures: [] },
    summary: 'Maintenance window “DB upgrade” started: 1 site in maintenance.',
    ...overrides,
  };
}
