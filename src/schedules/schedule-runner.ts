import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { ScheduledMaintenanceService } from './scheduled-maintenance.service.js';

/** Passes already running in this process; a slow pass does not hold back windows due meanwhile. */
const MAX_PASSES_IN_FLIGHT = 3;
const INTERVAL_NAME = 'scheduled-maintenance';

/**
 * Runs processDue every SCHEDULER_INTERVAL_SECONDS inside the server, and also exactly when the next
 * window is due if that comes sooner, so 02:00 means 02:00:00 rather than up to an interval later.
 * Passes may overlap (a start over many sites can take minutes) because every start and end is
 * claimed in the database.
 */
@Injectable()
export class ScheduleRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Scheduler');
  private readonly passes = new Set<Promise<void>>();
  private wakeUp: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: SchedulerRegistry,
    private readonly schedules: ScheduledMaintenanceService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.SCHEDULER_ENABLED) {
      this.logger.log('Scheduler disabled (SCHEDULER_ENABLED=false): run `maintenance process-scheduled` from cron.');
      return;
    }
    this.registry.addInterval(INTERVAL_NAME, setInterval(() => void this.tick(), this.intervalMs));
    void this.tick();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    if (this.wakeUp) clearTimeout(this.wakeUp);
    if (this.registry.doesExist('interval', INTERVAL_NAME)) this.registry.deleteInterval(INTERVAL_NAME);
  }

  /** Starts no further pass and waits for those running to finish; false if one is still running at `deadline`. */
  async stop(deadline: number): Promise<boolean> {
    this.onModuleDestroy();
    const finished = Promise.all(this.passes).then(() => true);
    const timeout = new Promise<false>((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now()), false).unref());
    return Promise.race([finished, timeout]);
  }

  private get intervalMs(): number {
    return this.config.SCHEDULER_INTERVAL_SECONDS * 1000;
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.passes.size >= MAX_PASSES_IN_FLIGHT) return;
    const pass = this.pass();
    this.passes.add(pass);
    await pass.finally(() => this.passes.delete(pass));
  }

  private async pass(): Promise<void> {
    try {
      const report = await this.schedules.processDue();
      for (const run of report.started) this.logger.log(`Started "${run.title}" (${run.id}), ${Math.round(run.lateByMs! / 100) / 10} s after its time`);
      for (const run of report.ended) this.logger.log(`Ended "${run.title}" (${run.id})`);
      for (const run of report.missed) this.logger.warn(`Missed "${run.title}" (${run.id}): it passed while nothing was running`);
      for (const run of report.failed) this.logger.warn(`Failed to ${run.phase} "${run.title}" (${run.id})`);
      await this.wakeUpWhenDue();
    } catch (error) {
      this.logger.error(`Scheduled maintenance pass failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** A window due before the next regular pass gets a pass of its own at its time. */
  private async wakeUpWhenDue(): Promise<void> {
    const due = await this.schedules.nextDueAt();
    const delay = due ? due.getTime() - Date.now() : Infinity;
    // Only future instants: one already past (an end whose sites keep failing, say) waits for the
    // regular interval rather than spinning.
    if (this.stopped || delay <= 0 || delay >= this.intervalMs) return;
    if (this.wakeUp) clearTimeout(this.wakeUp);
    this.wakeUp = setTimeout(() => {
      this.wakeUp = null;
      void this.tick();
    }, delay);
  }
}
