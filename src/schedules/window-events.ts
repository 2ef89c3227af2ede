import type { WindowEvent, WindowEventType } from '../notifications/window-event.js';
import type { ScheduledMaintenance } from './scheduled-maintenance.entity.js';
import type { SitesOutcome } from './window-execution.service.js';
import { formatInZone } from './window-time.js';

const NO_SITES: SitesOutcome = { total: 0, enabled: 0, alreadyOn: 0, failed: 0, disabled: 0, kept: 0, failures: [] };

export function windowEvent(type: WindowEventType, window: ScheduledMaintenance, at: Date, sites: SitesOutcome = NO_SITES): WindowEvent {
  return {
    type,
    at: at.toISOString(),
    window: {
      id: window.id,
      title: window.title,
      reason: window.reason,
      timezone: window.timezone,
      startsAt: window.startsAt.toISOString(),
      endsAt: window.endsAt.toISOString(),
      recurrence: window.recurrence,
    },
    sites: {
      total: window.sites?.length ?? sites.total,
      enabled: sites.enabled,
      alreadyOn: sites.alreadyOn,
      failed: sites.failed,
      failures: sites.failures,
    },
    summary: summary(type, window, sites),
  };
}

function summary(type: WindowEventType, window: ScheduledMaintenance, sites: SitesOutcome): string {
  const name = `Maintenance window "${window.title}"`;
  const failed = sites.failed ? `; ${sites.failed} failed` : '';
  switch (type) {
    case 'window.starting_soon':
      return `${name} starts ${formatInZone(window.startsAt, window.timezone)} (${window.sites?.length ?? 0} sites).`;
    case 'window.started':
      return `${name} started: ${sites.enabled} sites put into maintenance, ${sites.alreadyOn} already in it${failed}. Ends ${formatInZone(window.endsAt, window.timezone)}.`;
    case 'window.ended':
      return `${name} ended: ${sites.disabled} sites taken out of maintenance, ${sites.kept} left in it${failed}.`;
    case 'window.cancelled':
      return `${name} was cancelled: ${sites.disabled} sites taken out of maintenance${failed}.`;
    case 'window.missed':
      return `${name} (${formatInZone(window.startsAt, window.timezone)} to ${formatInZone(window.endsAt, window.timezone)}) was missed: nothing was running while it was due.`;
    case 'window.end_failing':
      return `${name} ended ${formatInZone(window.endsAt, window.timezone)} but ${sites.failed} sites could not be taken out of maintenance (${sites.failures.map((failure) => failure.domain).join(', ')}); retrying.`;
    case 'window.failed':
      return `${name} failed: ${sites.failed} of ${sites.total} sites failed (${sites.failures.map((failure) => failure.domain).join(', ')}).`;
  }
}
