import { Inject, Injectable } from '@nestjs/common';
import { In, IsNull, LessThanOrEqual, MoreThan } from 'typeorm';
import { shutdownGate } from '../common/shutdown-gate.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { WorkerScriptsService } from '../maintenance/worker-scripts.service.js';
import { WebhookNotifier } from '../notifications/webhook.notifier.js';
import type { WindowEventType } from '../notifications/window-event.js';
import { type ProcessReport, type WindowRun, runOf } from './process-report.js';
import type { ScheduledMaintenanceSite } from './scheduled-maintenance-site.entity.js';
import type { OccurrenceRecord, ScheduledMaintenance, WindowStatus } from './scheduled-maintenance.entity.js';
import { windowEvent } from './window-events.js';
import { type SitesOutcome, WindowExecutionService } from './window-execution.service.js';
import { WindowStore } from './window-store.js';
import { nextOccurrence, parseRecurrence } from './window-time.js';

const HISTORY_KEPT = 20;
/** How often window.end_failing is repeated while a window's sites still fail to come out. */
export const END_FAILING_NOTICE_INTERVAL_MS = 60 * 60_000;

/**
 * Moves windows through their lifecycle: claims a start or an end (WindowStore.claim), has the sites
 * enabled or disabled (WindowExecutionService), records the occurrence and tells the webhook.
 */
@Injectable()
export class WindowLifecycleService {
  constructor(
    private readonly store: WindowStore,
    private readonly execution: WindowExecutionService,
    private readonly notifier: WebhookNotifier,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly workerScripts: WorkerScriptsService,
  ) {}

  /** A scheduled window that never started: recorded as cancelled; false when a pass is starting it. */
  async cancelScheduled(window: ScheduledMaintenance, now: Date, actor: string): Promise<boolean> {
    const record = occurrence(window, 'cancelled', now, { enabled: 0, alreadyOn: 0, failed: 0 }, `cancelled by ${actor}`);
    const result = await this.store.windows.update(
      { id: window.id, status: 'scheduled', claimedBy: IsNull() },
      { status: 'cancelled', history: [record, ...window.history].slice(0, HISTORY_KEPT) },
    );
    if (!result.affected) return false;
    this.notify('window.cancelled', window, now);
    return true;
  }

  async start(id: string, now: Date, options: { early?: boolean; report?: ProcessReport }): Promise<WindowRun | null> {
    const window = await this.store.claim(id, 'scheduled', 'starting', now, options.early ? undefined : { startsBy: now });
    if (!window) return null;
    return this.releaseOnError(window, 'scheduled', async () => {
      if (window.endsAt <= now) {
        await this.finishOccurrence(window, 'missed', now);
        this.notify('window.missed', window, now);
        const run = runOf(window);
        options.report?.missed.push(run);
        return run;
      }
      const sites = window.autoEnable ? await this.execution.enableSites(window, now, 'pending') : undefined;
      const run = { ...runOf(window, sites), lateByMs: window.actualStart!.getTime() - window.startsAt.getTime() };
      // Sites refused because this server is shutting down are retried after it: that is no failed window.
      if (sites && sites.total > 0 && sites.failed === sites.total && !shutdownGate.closing) {
        await this.finishOccurrence(window, 'failed', now, sites);
        this.notify('window.failed', window, now, sites);
        options.report?.failed.push({ ...run, phase: 'start' });
        return run;
      }
      await this.store.release(id, { status: 'active', lastError: failuresText(sites) });
      // The window's end and message are on the worker's page only once the window is active.
      await this.workerScripts.refreshForSites(siteIdsOf(window));
      this.notify('window.started', window, now, sites);
      options.report?.started.push(run);
      return run;
    });
  }

  /** Ends the current occurrence: when due (a pass), or now by an operator (end now, cancel). */
  async end(
    id: string,
    now: Date,
    { outcome, actor, due, report }: { outcome: 'completed' | 'cancelled'; actor?: string; due?: boolean; report?: ProcessReport },
  ): Promise<WindowRun | null> {
    const window = await this.store.claim(id, 'active', 'ending', now, due ? { endsBy: now } : undefined);
    if (!window) return null;
    return this.releaseOnError(window, 'active', async () => {
      const sites = window.autoDisable ? await this.execution.disableSites(window, now) : undefined;
      const run = runOf(window, sites);
      const stillIn = await this.store.entries.find({ where: { windowId: id, execution: In(['enabled', 'disable_failed']) }, relations: { site: true } });
      if (window.autoDisable && stillIn.length > 0) {
        // Some sites could not be taken out: the window stays active and the next passes retry them,
        // telling the webhook at the first failure and then every END_FAILING_NOTICE_INTERVAL_MS.
        const tell =
          !shutdownGate.closing &&
          (!window.endFailingNotifiedAt || now.getTime() - window.endFailingNotifiedAt.getTime() >= END_FAILING_NOTICE_INTERVAL_MS);
        await this.store.release(id, {
          status: 'active',
          lastError: failuresText(sites) ?? window.lastError,
          endFailingSince: window.endFailingSince ?? (shutdownGate.closing ? null : now),
          ...(tell ? { endFailingNotifiedAt: now } : {}),
        });
        if (tell) this.notify('window.end_failing', window, now, stillInOutcome(stillIn));
        report?.failed.push({ ...run, phase: 'end' });
        return run;
      }
      await this.finishOccurrence(window, outcome, now, sites, actor ? `${outcome === 'cancelled' ? 'cancelled' : 'ended'} by ${actor}` : undefined);
      // Sites the window leaves in maintenance (not auto-disabled, or enabled by someone else) lose its end.
      await this.workerScripts.refreshForSites(siteIdsOf(window));
      this.notify(outcome === 'cancelled' ? 'window.cancelled' : 'window.ended', window, now, sites);
      report?.ended.push(run);
      return run;
    });
  }

  async retry(id: string, now: Date, report: ProcessReport): Promise<void> {
    const window = await this.store.claim(id, 'active', 'active', now);
    if (!window) return;
    await this.releaseOnError(window, 'active', async () => {
      const sites = await this.execution.enableSites(window, now, 'retry');
      await this.store.release(id, { status: 'active', lastError: failuresText(sites) });
      await this.workerScripts.refreshForSites(siteIdsOf(window));
      report.retried.push(runOf(window, sites));
    });
  }

  /**
   * Closes the current occurrence: a one-off window is done; a recurring one records it and moves
   * on to its next occurrence whose end is still ahead (one record for however many were skipped).
   */
  private async finishOccurrence(
    window: ScheduledMaintenance,
    outcome: OccurrenceRecord['outcome'],
    now: Date,
    sites?: SitesOutcome,
    note?: string,
  ): Promise<void> {
    const record = occurrence(window, outcome, now, await this.siteTally(window.id), note);
    const history = [record, ...window.history].slice(0, HISTORY_KEPT);
    const lastError = outcome === 'failed' ? failuresText(sites) : null;
    const next = window.recurrence && outcome !== 'cancelled' ? this.nextOf(window, now) : null;
    if (next) {
      await this.store.releaseToNextOccurrence(window.id, { status: 'scheduled', ...next, actualStart: null, actualEnd: null, history, lastError, ...endFailingCleared });
      return;
    }
    await this.store.release(window.id, {
      status: outcome,
      history,
      lastError,
      actualStart: outcome === 'missed' ? null : window.actualStart,
      actualEnd: outcome === 'missed' ? null : now,
      ...endFailingCleared,
    });
  }

  /** What the occurrence did to its sites, from their execution records before they are reset. */
  private async siteTally(windowId: string): Promise<OccurrenceRecord['sites']> {
    const counts = await this.store.executionCounts(windowId);
    const count = (...executions: string[]) => executions.reduce((sum, execution) => sum + (counts.get(execution) ?? 0), 0);
    return { enabled: count('enabled', 'disabled', 'kept', 'disable_failed'), alreadyOn: count('already_on'), failed: count('failed') };
  }

  private nextOf(window: ScheduledMaintenance, now: Date): { startsAt: Date; endsAt: Date } | null {
    const duration = window.endsAt.getTime() - window.startsAt.getTime();
    const from = new Date(Math.max(window.endsAt.getTime(), now.getTime() - duration + 1));
    const startsAt = nextOccurrence(parseRecurrence(window.recurrence!, window.timezone), from);
    return startsAt ? { startsAt, endsAt: new Date(startsAt.getTime() + duration) } : null;
  }

  async remind(now: Date, report: ProcessReport): Promise<void> {
    const minutes = this.config.NOTIFY_BEFORE_START_MINUTES;
    if (!this.config.NOTIFY_WEBHOOK_URL || minutes === 0) return;
    for (const id of await this.store.takeDueReminders(now, new Date(now.getTime() + minutes * 60_000))) {
      const window = (await this.store.load(id))!;
      this.notify('window.starting_soon', window, now);
      report.reminded.push(runOf(window));
    }
  }

  async dueRetries(now: Date): Promise<{ id: string; title: string }[]> {
    return this.store.windows
      .createQueryBuilder('w')
      .select(['w.id', 'w.title'])
      .where(`w.status = 'active' AND w.ends_at > :now AND w.claimed_by IS NULL`, { now })
      .andWhere(
        `EXISTS (SELECT 1 FROM scheduled_maintenance_sites e
                  WHERE e.window_id = w.id AND e.execution = 'failed' AND (e.next_attempt_at IS NULL OR e.next_attempt_at <= :now))`,
        { now },
      )
      .getMany();
  }

  async preview(now: Date, report: ProcessReport): Promise<void> {
    const due = await this.store.windows.find({
      where: [
        { status: 'scheduled', startsAt: LessThanOrEqual(now) },
        { status: 'active', endsAt: LessThanOrEqual(now) },
      ],
      relations: { sites: { site: true } },
    });
    for (const window of due) {
      if (window.status === 'active') report.ended.push(runOf(window));
      else if (window.endsAt <= now) report.missed.push(runOf(window));
      else report.started.push({ ...runOf(window), lateByMs: now.getTime() - window.startsAt.getTime() });
    }
    const retries = await this.dueRetries(now);
    report.retried.push(...(await this.store.windows.find({ where: { id: In(retries.map((window) => window.id)) } })).map((window) => runOf(window)));
    const soon = this.config.NOTIFY_WEBHOOK_URL && this.config.NOTIFY_BEFORE_START_MINUTES > 0
      ? await this.store.windows.find({ where: { status: 'scheduled', startsAt: MoreThan(now) } })
      : [];
    report.reminded.push(
      ...soon
        .filter((window) => window.startsAt.getTime() <= now.getTime() + this.config.NOTIFY_BEFORE_START_MINUTES * 60_000)
        .filter((window) => window.remindedFor?.getTime() !== window.startsAt.getTime())
        .map((window) => runOf(window)),
    );
  }

  /** A failure after a claim hands the window back, so the next pass (here or elsewhere) can redo it. */
  private async releaseOnError<T>(window: ScheduledMaintenance, back: WindowStatus, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      await this.store.release(window.id, { status: back, lastError: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  }

  private notify(type: WindowEventType, window: ScheduledMaintenance, now: Date, sites?: SitesOutcome): void {
    this.notifier.notify(windowEvent(type, window, now, sites));
  }
}


function occurrence(
  window: ScheduledMaintenance,
  outcome: OccurrenceRecord['outcome'],
  now: Date,
  sites: OccurrenceRecord['sites'],
  note?: string,
): OccurrenceRecord {
  return {
    startsAt: window.startsAt.toISOString(),
    endsAt: window.endsAt.toISOString(),
    outcome,
    actualStart: outcome === 'missed' ? null : (window.actualStart?.toISOString() ?? null),
    actualEnd: outcome === 'missed' ? null : now.toISOString(),
    sites,
    ...(note ? { note } : {}),
  };
}

/** The sites still in maintenance after a failed end, each with its last error (a pass may retry only some). */
function stillInOutcome(entries: ScheduledMaintenanceSite[]): SitesOutcome {
  const failures = entries.map((entry) => ({ domain: entry.site.domain, error: entry.detail ?? 'not taken out yet' }));
  return { total: entries.length, enabled: 0, alreadyOn: 0, failed: entries.length, disabled: 0, kept: 0, failures };
}

const endFailingCleared = { endFailingSince: null, endFailingNotifiedAt: null };

function failuresText(sites: SitesOutcome | undefined): string | null {
  if (!sites?.failures.length) return null;
  return sites.failures.map((failure) => `${failure.domain}: ${failure.error}`).join('\n');
}

function siteIdsOf(window: ScheduledMaintenance): string[] {
  return window.sites.map((entry) => entry.siteId);
}
