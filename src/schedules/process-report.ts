import type { ScheduledMaintenance } from './scheduled-maintenance.entity.js';
import type { SitesOutcome } from './window-execution.service.js';

export interface WindowRun {
  id: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  /** For a start: how long after the planned start it began (negative when started early by hand). */
  lateByMs?: number;
  sites?: SitesOutcome;
  /** For a failure: whether starting or ending failed. */
  phase?: 'start' | 'end';
}

export interface ProcessReport {
  now: Date;
  dryRun: boolean;
  started: WindowRun[];
  ended: WindowRun[];
  /** Whole occurrences that passed while nothing ran: recorded, no Cloudflare call made. */
  missed: WindowRun[];
  /** Every site failed to start, or some failed to end (those are retried). */
  failed: WindowRun[];
  /** Active windows whose failed sites were tried again. */
  retried: WindowRun[];
  reminded: WindowRun[];
  /** Windows that could not be processed at all (e.g. the database went away); retried next pass. */
  errors: { id: string; title: string; error: string }[];
  upcoming: WindowRun[];
}

export function runOf(window: ScheduledMaintenance, sites?: SitesOutcome): WindowRun {
  return { id: window.id, title: window.title, startsAt: window.startsAt, endsAt: window.endsAt, ...(sites ? { sites } : {}) };
}
