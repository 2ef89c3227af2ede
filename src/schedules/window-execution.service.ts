import { Injectable } from '@nestjs/common';
import { type BulkReport, BulkOperationsService } from '../maintenance/bulk-operations.service.js';
import type { CloudflareSite } from '../sites/cloudflare-site.entity.js';
import type { ScheduledMaintenanceSite } from './scheduled-maintenance-site.entity.js';
import type { ScheduledMaintenance } from './scheduled-maintenance.entity.js';
import { type EntryUpdate, WindowStore } from './window-store.js';

export interface SiteFailure {
  domain: string;
  error: string;
}

export interface SitesOutcome {
  total: number;
  enabled: number;
  alreadyOn: number;
  failed: number;
  disabled: number;
  kept: number;
  failures: SiteFailure[];
}

/** Failed sites are retried on the next pass, then less and less often, up to every 10 minutes. */
export function retryDelayMs(attempts: number): number {
  return attempts <= 1 ? 0 : Math.min(15_000 * 2 ** (attempts - 2), 600_000);
}

export function windowActor(window: Pick<ScheduledMaintenance, 'id'>): string {
  return `schedule:${window.id}`;
}

/**
 * Puts a window's sites into maintenance and takes out only those it put in. Each site goes through
 * the bulk service, so it is exclusive, idempotent and audited with the window as actor.
 */
@Injectable()
export class WindowExecutionService {
  constructor(
    private readonly store: WindowStore,
    private readonly bulk: BulkOperationsService,
  ) {}

  /** Enables the window's pending sites (at the start) or its failed ones whose retry is due. */
  async enableSites(window: ScheduledMaintenance, now: Date, which: 'pending' | 'retry'): Promise<SitesOutcome> {
    const entries = window.sites.filter((entry) =>
      which === 'pending'
        ? entry.execution === 'pending'
        : entry.execution === 'failed' && (!entry.nextAttemptAt || entry.nextAttemptAt <= now),
    );
    const report = await this.bulk.run('enable', sites(entries), {
      actor: windowActor(window),
      reason: window.reason ?? window.title,
    });
    const enablers = await this.store.latestEnablers(entries.map((entry) => entry.siteId));
    const updates = entries.map((entry, index): EntryUpdate => {
      const result = report.results[index];
      if (result.outcome === 'failed') return failure(entry, result.message, now);
      // Skipped means the site was already in maintenance: ours only if this window enabled it (a
      // retry after a crash); otherwise someone else did, and the window leaves it as it is.
      const ours = result.outcome === 'done' || enablers.get(entry.siteId) === windowActor(window);
      return ours
        ? { siteId: entry.siteId, execution: 'enabled', detail: null }
        : { siteId: entry.siteId, execution: 'already_on', detail: 'already in maintenance when the window started' };
    });
    await this.store.updateEntries(window.id, updates);
    return summarise(window, updates);
  }

  /**
   * Takes out of maintenance the sites this window put in, except those another active window also
   * covers (it takes them over) and those an operator enabled again during the window.
   */
  async disableSites(window: ScheduledMaintenance, now: Date): Promise<SitesOutcome> {
    const entries = window.sites.filter(
      (entry) =>
        entry.execution === 'enabled' ||
        (entry.execution === 'disable_failed' && (!entry.nextAttemptAt || entry.nextAttemptAt <= now)),
    );
    const updates: EntryUpdate[] = [];
    const enablers = await this.store.latestEnablers(entries.map((entry) => entry.siteId));
    const reEnabledByOperator = entries.filter((entry) => {
      const actor = enablers.get(entry.siteId);
      return actor !== undefined && !actor.startsWith('schedule:');
    });
    for (const entry of reEnabledByOperator) {
      updates.push({ siteId: entry.siteId, execution: 'kept', detail: `enabled again by ${enablers.get(entry.siteId)} during the window` });
    }
    const candidates = entries.filter((entry) => !reEnabledByOperator.includes(entry));
    const heirs = await this.store.takeOver(window.id, candidates.map((entry) => entry.siteId), now);
    for (const [siteId, heir] of heirs) {
      updates.push({ siteId, execution: 'kept', detail: `still covered by window "${heir.title}" (${heir.id}), which takes it out` });
    }
    const toDisable = candidates.filter((entry) => !heirs.has(entry.siteId));
    const report: BulkReport = await this.bulk.run('disable', sites(toDisable), { actor: windowActor(window) });
    toDisable.forEach((entry, index) => {
      const result = report.results[index];
      updates.push(
        result.outcome === 'failed'
          ? { ...failure(entry, result.message, now), execution: 'disable_failed' }
          : { siteId: entry.siteId, execution: 'disabled', detail: null },
      );
    });
    await this.store.updateEntries(window.id, updates);
    return summarise(window, updates);
  }
}

function sites(entries: ScheduledMaintenanceSite[]): CloudflareSite[] {
  return entries.map((entry) => entry.site);
}

function failure(entry: ScheduledMaintenanceSite, message: string, now: Date): EntryUpdate {
  return {
    siteId: entry.siteId,
    execution: 'failed',
    detail: message,
    retryAt: new Date(now.getTime() + retryDelayMs(entry.attempts + 1)),
  };
}

function summarise(window: ScheduledMaintenance, updates: EntryUpdate[]): SitesOutcome {
  const domainOf = new Map(window.sites.map((entry) => [entry.siteId, entry.site.domain]));
  const count = (...executions: string[]) => updates.filter((update) => executions.includes(update.execution)).length;
  return {
    total: updates.length,
    enabled: count('enabled'),
    alreadyOn: count('already_on'),
    failed: count('failed', 'disable_failed'),
    disabled: count('disabled'),
    kept: count('kept'),
    failures: updates
      .filter((update) => update.execution === 'failed' || update.execution === 'disable_failed')
      .map((update) => ({ domain: domainOf.get(update.siteId) ?? update.siteId, error: update.detail ?? 'failed' })),
  };
}
