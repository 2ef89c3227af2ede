import { Inject, Injectable, Logger } from '@nestjs/common';
import { WorkerScriptsService } from '../maintenance/worker-scripts.service.js';
import { In, LessThanOrEqual } from 'typeorm';
import { ConflictError, NotFoundError, ValidationError } from '../common/errors.js';
import { TEXT_BOUNDS } from '../common/free-text.validation.js';
import type { CloudflareSite } from '../sites/cloudflare-site.entity.js';
import { SiteRepository } from '../sites/site.repository.js';
import { CLOCK, type Clock } from './clock.js';
import { maintenanceEnd, type MaintenanceEndInput, parseLength } from './maintenance-end.js';
import { type ProcessReport, type WindowRun, runOf } from './process-report.js';
import type { ScheduledMaintenance, WindowStatus } from './scheduled-maintenance.entity.js';
import { type WindowChanges, windowChanges } from './window-changes.js';
import { type WindowInput, planWindow } from './window-input.validation.js';
import { WindowLifecycleService } from './window-lifecycle.service.js';
import { WindowStore } from './window-store.js';
import { parseWindowTime } from './window-time.js';
import { parseDomain } from '../sites/site-input.validation.js';

export type { ProcessReport, WindowRun } from './process-report.js';

/** Maintenance that starts now and ends by itself: for a duration, or until a time. */
export interface TimedMaintenanceInput extends MaintenanceEndInput {
  domains: string[];
  /** Shown on the maintenance page; also the audit reason. */
  reason?: string | null;
}

/** How much longer: `by` a length, or `until` a later time (a local time read in `timezone`, else the window's). */
export interface ExtendInput {
  by?: string | null;
  until?: string | null;
  timezone?: string | null;
}
export type { WindowChanges } from './window-changes.js';

/** Maintenance windows: planning and changing them, and the passes that start and end them on time. */
@Injectable()
export class ScheduledMaintenanceService {
  private readonly logger = new Logger('Scheduler');

  constructor(
    private readonly sites: SiteRepository,
    private readonly store: WindowStore,
    private readonly lifecycle: WindowLifecycleService,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly workerScripts: WorkerScriptsService,
  ) {}

  async create(input: WindowInput, actor: string): Promise<ScheduledMaintenance> {
    const plan = planWindow(input, this.clock.now());
    const sites = await this.resolveSites(plan.domains);
    const { domains: _domains, ...fields } = plan;
    const id = await this.store.create({ ...fields, createdBy: actor }, sites.map((site) => site.id));
    return this.get(id);
  }

  /** Applies a whole form's values (every field, as `schedule add` takes them), changing only what differs. */
  async edit(id: string, input: WindowInput, actor: string): Promise<{ window: ScheduledMaintenance; changed: boolean }> {
    const window = await this.get(id);
    const changes = windowChanges(input, window);
    if (!Object.keys(changes).length) return { window, changed: false };
    return { window: await this.update(id, changes, actor), changed: true };
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
    if (!(await this.store.replaceScheduled(id, fields, sites.map((site) => site.id)))) {
      throw new ConflictError(`Window "${window.title}" changed while it was being edited; try again.`);
    }
    this.logger.log(`Window ${id} updated by ${actor}`);
    return this.get(id);
  }

  async cancel(id: string, actor: string): Promise<ScheduledMaintenance> {
    const window = await this.get(id);
    const now = this.clock.now();
    if (window.status === 'scheduled') {
      if (!(await this.lifecycle.cancelScheduled(window, now, actor))) {
        throw new ConflictError(`Window "${window.title}" is being started right now; try again in a moment.`);
      }
      return this.get(id);
    }
    if (window.status === 'active') {
      const run = await this.lifecycle.end(id, now, { outcome: 'cancelled', actor });
      if (!run) throw new ConflictError(`Window "${window.title}" is being worked on right now; try again in a moment.`);
      return this.get(id);
    }
    if (window.status === 'starting' || window.status === 'ending') {
      throw new ConflictError(`Window "${window.title}" is ${window.status} right now; try again in a moment.`);
    }
    throw new ValidationError(`Window "${window.title}" is already ${window.status}.`);
  }

  /**
   * Maintenance for a set time: a one-off window that starts now (its sites go into maintenance before this
   * returns) and that the scheduler ends, so the page shows its end and the webhooks fire as for any window.
   * Everything is checked before anything is written.
   */
  async startTimed(input: TimedMaintenanceInput, actor: string): Promise<{ window: ScheduledMaintenance; run: WindowRun }> {
    const now = this.clock.now();
    const end = maintenanceEnd(input, now);
    const domains = [...new Set((input.domains ?? []).map(parseDomain))];
    const plan = planWindow({ title: timedTitle(domains), reason: input.reason, sites: domains, start: now, end, timezone: input.timezone }, now);
    const sites = await this.resolveSites(plan.domains);
    const { domains: _domains, ...fields } = plan;
    const id = await this.store.create({ ...fields, createdBy: actor }, sites.map((site) => site.id));
    const run = await this.lifecycle.start(id, now, { early: true });
    if (!run) throw new ConflictError(`Window ${id} was started by another process meanwhile.`);
    return { window: await this.get(id), run };
  }

  /** Makes an active window (given by id, or by a domain it covers) last longer; the page's expected end follows. */
  async extend(target: string, input: ExtendInput, actor: string): Promise<ScheduledMaintenance> {
    const hasBy = !!input.by?.trim();
    const hasUntil = !!input.until?.trim();
    if (hasBy === hasUntil) throw new ValidationError('Give either how much longer (by, e.g. 30m) or a new end time (until), exactly one.', { field: 'by' });
    const window = await this.activeWindow(target);
    const endsAt = hasBy
      ? new Date(window.endsAt.getTime() + parseLength(input.by!, 'by'))
      : parseWindowTime(input.until!, input.timezone?.trim() || window.timezone, 'until');
    if (endsAt <= window.endsAt) {
      throw new ValidationError(`The new end must be after the current one (${window.endsAt.toISOString()}); end the window now to stop earlier.`, {
        field: 'until',
      });
    }
    return this.update(window.id, { end: endsAt }, actor);
  }

  private async activeWindow(target: string): Promise<ScheduledMaintenance> {
    if (/^[0-9a-f-]{36}$/i.test(target.trim())) {
      const window = await this.get(target.trim());
      if (window.status !== 'active') throw new ValidationError(`Window "${window.title}" is ${window.status}; only an active window can be extended.`);
      return window;
    }
    const domain = parseDomain(target);
    const windows = await this.store.windows.find({ where: { status: 'active', sites: { site: { domain } } }, select: { id: true } });
    if (!windows.length) throw new NotFoundError(`No active maintenance window covers ${domain}. See \`maintenance schedule list\`.`);
    if (windows.length > 1) {
      throw new ValidationError(`${windows.length} active windows cover ${domain} (${windows.map((window) => window.id).join(', ')}): give the window's id.`);
    }
    return this.get(windows[0].id);
  }

  /** Starts a scheduled window now, ahead of its time (for the admin's "start now"). */
  async startNow(id: string): Promise<WindowRun> {
    const window = await this.get(id);
    if (window.status !== 'scheduled') throw new ValidationError(`Window "${window.title}" is ${window.status}; only a scheduled window can be started.`);
    const run = await this.lifecycle.start(id, this.clock.now(), { early: true });
    if (!run) throw new ConflictError(`Window "${window.title}" is being started right now.`);
    return run;
  }

  /** Ends an active window now (a recurring one moves on to its next occurrence). */
  async endNow(id: string, actor: string): Promise<WindowRun> {
    const window = await this.get(id);
    if (window.status !== 'active') throw new ValidationError(`Window "${window.title}" is ${window.status}; only an active window can be ended.`);
    const run = await this.lifecycle.end(id, this.clock.now(), { outcome: 'completed', actor });
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

  /** The next instant a window is due to start or end, so a runner can wake up exactly then. */
  nextDueAt(): Promise<Date | null> {
    return this.store.nextDueAt();
  }

  /**
   * One pass: reminders, due starts (late ones too, or missed when their end has passed), due ends,
   * and retries of failed sites. Safe to run in any number of processes at once: every start and end
   * is claimed by one of them (WindowStore.claim).
   */
  async processDue(now: Date = this.clock.now(), options: { dryRun?: boolean; upcomingHours?: number } = {}): Promise<ProcessReport> {
    const report: ProcessReport = { now, dryRun: !!options.dryRun, started: [], ended: [], missed: [], failed: [], retried: [], reminded: [], errors: [], upcoming: [] };
    if (options.dryRun) {
      await this.lifecycle.preview(now, report);
    } else {
      await this.store.recoverAbandonedClaims(now);
      await this.lifecycle.remind(now, report);
      // Starts before ends: a site handed from a window ending now to one starting now stays in maintenance.
      const dueStarts = await this.store.windows.find({ where: { status: 'scheduled', startsAt: LessThanOrEqual(now) }, select: { id: true, title: true } });
      await Promise.all(dueStarts.map((window) => this.guard(window, report, () => this.lifecycle.start(window.id, now, { report }))));
      const dueEnds = await this.store.windows.find({ where: { status: 'active', endsAt: LessThanOrEqual(now) }, select: { id: true, title: true } });
      await Promise.all(dueEnds.map((window) => this.guard(window, report, () => this.lifecycle.end(window.id, now, { outcome: 'completed', due: true, report }))));
      // A window started in this pass has its failed sites retried from the next pass on.
      const startedNow = new Set(dueStarts.map((window) => window.id));
      const dueRetries = (await this.lifecycle.dueRetries(now)).filter((window) => !startedNow.has(window.id));
      await Promise.all(dueRetries.map((window) => this.guard(window, report, () => this.lifecycle.retry(window.id, now, report))));
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

  private async resolveSites(domains: string[]): Promise<CloudflareSite[]> {
    const sites = await this.sites.findByDomains(domains);
    const unknown = domains.filter((domain) => !sites.some((site) => site.domain === domain));
    if (unknown.length) {
      throw new ValidationError(
        `Unknown site${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: a window can only cover registered sites (see \`maintenance list\`).`,
        { field: 'sites' },
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
    // Its end (Retry-After) and message are in the worker script of its sites on the worker engine.
    await this.workerScripts.refreshForSites(window.sites.map((entry) => entry.siteId));
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
}

function timedTitle(domains: string[]): string {
  const title = `Maintenance for a set time: ${domains.join(', ')}`;
  return title.length <= TEXT_BOUNDS.windowTitle ? title : `${title.slice(0, TEXT_BOUNDS.windowTitle - 1)}…`;
}
