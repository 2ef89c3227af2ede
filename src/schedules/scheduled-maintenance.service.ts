import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, In, IsNull, LessThanOrEqual, MoreThan } from 'typeorm';
import { ConflictError, NotFoundError, ValidationError } from '../common/errors.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { WebhookNotifier } from '../notifications/webhook.notifier.js';
import type { WindowEventType } from '../notifications/window-event.js';
import { CloudflareSite } from '../sites/cloudflare-site.entity.js';
import { CLOCK, type Clock } from './clock.js';
import { ScheduledMaintenanceSite } from './scheduled-maintenance-site.entity.js';
import { type OccurrenceRecord, ScheduledMaintenance, type WindowStatus } from './scheduled-maintenance.entity.js';
import { windowEvent } from './window-events.js';
import { type SitesOutcome, WindowExecutionService } from './window-execution.service.js';
import { type WindowInput, planWindow } from './window-input.validation.js';
import { WindowStore } from './window-store.js';
import { nextOccurrence, parseRecurrence } from './window-time.js';

const HISTORY_KEPT = 20;

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

export type WindowChanges = Partial<WindowInput>;

@Injectable()
export class ScheduledMaintenanceService {
  private readonly logger = new Logger('Scheduler');

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: WindowStore,
    private readonly execution: WindowExecutionService,
    private readonly notifier: WebhookNotifier,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(input: WindowInput, actor: string): Promise<ScheduledMaintenance> {
    const plan = planWindow(input, this.clock.now());
    const sites = await this.resolveSites(plan.domains);
    const { domains: _domains, ...fields } = plan;
    const id = await this.dataSource.transaction(async (manager) => {
      const window = await manager.getRepository(ScheduledMaintenance).save({ ...fields, createdBy: actor, status: 'scheduled' as const });
      await manager.getRepository(ScheduledMaintenanceSite).insert(sites.map((site) => ({ windowId: window.id, siteId: site.id })));
      return window.id;
    });
    return this.get(id);
  }

  /**
   * A scheduled window can change in every way. An active one only in what does not undo its start:
   * title, description, message, end (to extend or shorten it) and auto-disable.
   */
  async update(id: string, changes: WindowChanges, actor: string): Promise<ScheduledMaintenance> {
    const window = await this.get(id);
    if (window.status === 'active') return this.updateActive(window, changes);
    if (window.status !== 'scheduled') {
      throw new ValidationError(`Window "${window.title}" is ${window.status}; only scheduled or active windows can change.`);
    }
    const merged: WindowInput = {
      title: window.title,
      description: window.description,
      reason: window.reason,
      sites: window.sites.map((entry) => entry.site.domain),
      start: window.startsAt,
      end: 'durationMinutes' in changes && changes.durationMinutes != null ? undefined : window.endsAt,
      timezone: window.timezone,
      recurrence: window.recurrence,
      autoEnable: window.autoEnable,
      autoDisable: window.autoDisable,
      ...changes,
    };
    const plan = planWindow(merged, this.clock.now());
    const sites = await this.resolveSites(plan.domains);
    const { domains: _domains, ...fields } = plan;
    await this.dataSource.transaction(async (manager) => {
      const updated = await manager
        .getRepository(ScheduledMaintenance)
        .update({ id, status: 'scheduled', claimedBy: IsNull() }, { ...fields, remindedFor: null });
      if (!updated.affected) throw new ConflictError(`Window "${window.title}" changed while it was being edited; try again.`);
      const entries = manager.getRepository(ScheduledMaintenanceSite);
      await entries.delete({ windowId: id });
      await entries.insert(sites.map((site) => ({ windowId: id, siteId: site.id })));
    });
    this.logger.log(`Window ${id} updated by ${actor}`);
    return this.get(id);
  }

  async cancel(id: string, actor: string): Promise<ScheduledMaintenance> {
    const window = await this.get(id);
    const now = this.clock.now();
    if (window.status === 'scheduled') {
      const record = occurrence(window, 'cancelled', now, { enabled: 0, alreadyOn: 0, failed: 0 }, `cancelled by ${actor}`);
      const result = await this.store.windows.update(
        { id, status: 'scheduled' },
        { status: 'cancelled', history: [record, ...window.history].slice(0, HISTORY_KEPT) },
      );
      if (!result.affected) throw new ConflictError(`Window "${window.title}" is being started right now; try again in a moment.`);
      this.notify('window.cancelled', window, now);
      return this.get(id);
    }
    if (window.status === 'active') {
      const run = await this.end(id, now, { outcome: 'cancelled', actor });
      if (!run) throw new ConflictError(`Window "${window.title}" is being worked on right now; try again in a moment.`);
      return this.get(id);
    }
    if (window.status === 'starting' || window.status === 'ending') {
      throw new ConflictError(`Window "${window.title}" is ${window.status} right now; try again in a moment.`);
    }
    throw new ValidationError(`Window "${window.title}" is already ${window.status}.`);
  }

  /** Starts a scheduled window now, ahead of its time (for the admin's "start now"). */
  async startNow(id: string): Promise<WindowRun> {
    const window = await this.get(id);
    if (window.status !== 'scheduled') throw new ValidationError(`Window "${window.title}" is ${window.status}; only a scheduled window can be started.`);
    const run = await this.start(id, this.clock.now(), { early: true });
    if (!run) throw new ConflictError(`Window "${window.title}" is being started right now.`);
    return run;
  }

  /** Ends an active window now (a recurring one moves on to its next occurrence). */
  async endNow(id: string, actor: string): Promise<WindowRun> {
    const window = await this.get(id);
    if (window.status !== 'active') throw new ValidationError(`Window "${window.title}" is ${window.status}; only an active window can be ended.`);
    const run = await this.end(id, this.clock.now(), { outcome: 'completed', actor });
    if (!run) throw new ConflictError(`Window "${window.title}" is being worked on right now; try again in a moment.`);
    return run;
  }

  async get(id: string): Promise<ScheduledMaintenance> {
    const window = /^[0-9a-f-]{36}$/i.test(id) ? await this.store.load(id) : null;
    if (!window) throw new NotFoundError(`Unknown maintenance window ${id}. See \`maintenance schedule list\`.`);
    window.sites.sort((a, b) => a.site.domain.localeCompare(b.site.domain));
    return window;
  }

  /** Windows not finished yet (scheduled or running), soonest first; optionally only those starting within `hours`. */
  list(options: { all?: boolean; withinHours?: number } = {}): Promise<ScheduledMaintenance[]> {
    const open: WindowStatus[] = ['scheduled', 'starting', 'active', 'ending'];
    const where = options.withinHours !== undefined
      ? { status: In(open), startsAt: LessThanOrEqual(new Date(this.clock.now().getTime() + options.withinHours * 3_600_000)) }
      : options.all ? {} : { status: In(open) };
    return this.store.windows.find({ where, order: { startsAt: 'ASC' }, relations: { sites: { site: true } } });
  }

  /**
   * One pass: reminders, due starts (late ones too, or missed when their end has passed), due ends,
   * and retries of failed sites. Safe to run in any number of processes at once: every start and end
   * is claimed by one of them (WindowStore.claim).
   */
  async processDue(now: Date = this.clock.now(), options: { dryRun?: boolean; upcomingHours?: number } = {}): Promise<ProcessReport> {
    const report: ProcessReport = { now, dryRun: !!options.dryRun, started: [], ended: [], missed: [], failed: [], retried: [], reminded: [], errors: [], upcoming: [] };
    if (options.dryRun) {
      await this.preview(now, report);
    } else {
      await this.store.recoverAbandonedClaims(now);
      await this.remind(now, report);
      // Starts before ends: a site handed from a window ending now to one starting now stays in maintenance.
      const dueStarts = await this.store.windows.find({ where: { status: 'scheduled', startsAt: LessThanOrEqual(now) }, select: { id: true, title: true } });
      await Promise.all(dueStarts.map((window) => this.guard(window, report, () => this.start(window.id, now, { report }))));
      const dueEnds = await this.store.windows.find({ where: { status: 'active', endsAt: LessThanOrEqual(now) }, select: { id: true, title: true } });
      await Promise.all(dueEnds.map((window) => this.guard(window, report, () => this.end(window.id, now, { outcome: 'completed', due: true, report }))));
      // A window started in this pass has its failed sites retried from the next pass on.
      const startedNow = new Set(dueStarts.map((window) => window.id));
      const dueRetries = (await this.dueRetries(now)).filter((window) => !startedNow.has(window.id));
      await Promise.all(dueRetries.map((window) => this.guard(window, report, () => this.retry(window.id, now, report))));
    }
    if (options.upcomingHours !== undefined) {
      const upcoming = await this.store.windows.find({
        where: { status: 'scheduled', startsAt: LessThanOrEqual(new Date(now.getTime() + options.upcomingHours * 3_600_000)) },
        order: { startsAt: 'ASC' },
      });
      report.upcoming = upcoming.map((window) => runOf(window));
    }
    return report;
  }

  private async start(id: string, now: Date, options: { early?: boolean; report?: ProcessReport }): Promise<WindowRun | null> {
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
      if (sites && sites.total > 0 && sites.failed === sites.total) {
        await this.finishOccurrence(window, 'failed', now, sites);
        this.notify('window.failed', window, now, sites);
        options.report?.failed.push({ ...run, phase: 'start' });
        return run;
      }
      await this.store.release(id, { status: 'active', lastError: failuresText(sites) });
      this.notify('window.started', window, now, sites);
      options.report?.started.push(run);
      return run;
    });
  }

  /** Ends the current occurrence: when due (a pass), or now by an operator (end now, cancel). */
  private async end(
    id: string,
    now: Date,
    { outcome, actor, due, report }: { outcome: 'completed' | 'cancelled'; actor?: string; due?: boolean; report?: ProcessReport },
  ): Promise<WindowRun | null> {
    const window = await this.store.claim(id, 'active', 'ending', now, due ? { endsBy: now } : undefined);
    if (!window) return null;
    return this.releaseOnError(window, 'active', async () => {
      const sites = window.autoDisable ? await this.execution.disableSites(window, now) : undefined;
      const run = runOf(window, sites);
      const stillIn = await this.store.entries.countBy({ windowId: id, execution: In(['enabled', 'disable_failed']) });
      if (window.autoDisable && stillIn > 0) {
        // Some sites could not be taken out: the window stays active and the next passes retry them.
        await this.store.release(id, { status: 'active', lastError: failuresText(sites) });
        if (!window.lastError) this.notify('window.failed', window, now, sites);
        report?.failed.push({ ...run, phase: 'end' });
        return run;
      }
      await this.finishOccurrence(window, outcome, now, sites, actor ? `${outcome === 'cancelled' ? 'cancelled' : 'ended'} by ${actor}` : undefined);
      this.notify(outcome === 'cancelled' ? 'window.cancelled' : 'window.ended', window, now, sites);
      report?.ended.push(run);
      return run;
    });
  }

  private async retry(id: string, now: Date, report: ProcessReport): Promise<void> {
    const window = await this.store.claim(id, 'active', 'active', now);
    if (!window) return;
    await this.releaseOnError(window, 'active', async () => {
      const sites = await this.execution.enableSites(window, now, 'retry');
      await this.store.release(id, { status: 'active', lastError: failuresText(sites) });
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
    await this.dataSource.transaction(async (manager) => {
      if (next) {
        await this.store.release(window.id, { status: 'scheduled', ...next, actualStart: null, actualEnd: null, history, lastError }, manager);
        await this.store.resetEntries(window.id, manager);
        return;
      }
      await this.store.release(
        window.id,
        { status: outcome, history, lastError, actualStart: outcome === 'missed' ? null : window.actualStart, actualEnd: outcome === 'missed' ? null : now },
        manager,
      );
    });
  }

  /** What the occurrence did to its sites, from their execution records before they are reset. */
  private async siteTally(windowId: string): Promise<OccurrenceRecord['sites']> {
    const rows: { execution: string; count: string }[] = await this.dataSource.query(
      `SELECT execution, count(*) AS count FROM scheduled_maintenance_sites WHERE window_id = $1 GROUP BY execution`,
      [windowId],
    );
    const count = (...executions: string[]) =>
      rows.filter((row) => executions.includes(row.execution)).reduce((sum, row) => sum + Number(row.count), 0);
    return { enabled: count('enabled', 'disabled', 'kept', 'disable_failed'), alreadyOn: count('already_on'), failed: count('failed') };
  }

  private nextOf(window: ScheduledMaintenance, now: Date): { startsAt: Date; endsAt: Date } | null {
    const duration = window.endsAt.getTime() - window.startsAt.getTime();
    const from = new Date(Math.max(window.endsAt.getTime(), now.getTime() - duration + 1));
    const startsAt = nextOccurrence(parseRecurrence(window.recurrence!, window.timezone), from);
    return startsAt ? { startsAt, endsAt: new Date(startsAt.getTime() + duration) } : null;
  }

  private async remind(now: Date, report: ProcessReport): Promise<void> {
    const minutes = this.config.NOTIFY_BEFORE_START_MINUTES;
    if (!this.config.NOTIFY_WEBHOOK_URL || minutes === 0) return;
    const rows: { id: string }[] = await this.dataSource.query(
      `UPDATE scheduled_maintenances SET reminded_for = starts_at
        WHERE status = 'scheduled' AND starts_at > $1 AND starts_at <= $2 AND reminded_for IS DISTINCT FROM starts_at
        RETURNING id`,
      [now, new Date(now.getTime() + minutes * 60_000)],
    ).then((result: [{ id: string }[], number]) => result[0]);
    for (const { id } of rows) {
      const window = await this.get(id);
      this.notify('window.starting_soon', window, now);
      report.reminded.push(runOf(window));
    }
  }

  private async dueRetries(now: Date): Promise<{ id: string; title: string }[]> {
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

  private async preview(now: Date, report: ProcessReport): Promise<void> {
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

  private async resolveSites(domains: string[]): Promise<CloudflareSite[]> {
    const sites = await this.dataSource.getRepository(CloudflareSite).findBy({ domain: In(domains) });
    const unknown = domains.filter((domain) => !sites.some((site) => site.domain === domain));
    if (unknown.length) {
      throw new ValidationError(
        `Unknown site${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: a window can only cover registered sites (see \`maintenance list\`).`,
      );
    }
    return sites;
  }

  private async updateActive(window: ScheduledMaintenance, changes: WindowChanges): Promise<ScheduledMaintenance> {
    const allowed = new Set(['title', 'description', 'reason', 'end', 'durationMinutes', 'autoDisable']);
    const refused = Object.keys(changes).filter((key) => changes[key as keyof WindowChanges] !== undefined && !allowed.has(key));
    if (refused.length) {
      throw new ValidationError(
        `Window "${window.title}" is active: only its title, description, message, end and auto-disable can change (not ${refused.join(', ')}). ` +
          'End or cancel it first.',
      );
    }
    const plan = planWindow(
      {
        title: changes.title ?? window.title,
        description: changes.description !== undefined ? changes.description : window.description,
        reason: changes.reason !== undefined ? changes.reason : window.reason,
        sites: window.sites.map((entry) => entry.site.domain),
        start: window.startsAt,
        end: changes.durationMinutes != null ? undefined : (changes.end ?? window.endsAt),
        durationMinutes: changes.durationMinutes,
        timezone: window.timezone,
      },
      // An active window may be shortened to end on the next pass, but not before it started.
      window.startsAt,
    );
    const result = await this.store.windows.update(
      { id: window.id, status: 'active' },
      { title: plan.title, description: plan.description, reason: plan.reason, endsAt: plan.endsAt, autoDisable: changes.autoDisable ?? window.autoDisable },
    );
    if (!result.affected) throw new ConflictError(`Window "${window.title}" changed state while it was being edited; try again.`);
    return this.get(window.id);
  }

  private async guard(window: { id: string; title: string }, report: ProcessReport, work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.error(`Window ${window.id} ("${window.title}") could not be processed: ${message}`);
      report.errors.push({ id: window.id, title: window.title, error: message });
    }
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

function runOf(window: ScheduledMaintenance, sites?: SitesOutcome): WindowRun {
  return { id: window.id, title: window.title, startsAt: window.startsAt, endsAt: window.endsAt, ...(sites ? { sites } : {}) };
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

function failuresText(sites: SitesOutcome | undefined): string | null {
  if (!sites?.failures.length) return null;
  return sites.failures.map((failure) => `${failure.domain}: ${failure.error}`).join('\n');
}
