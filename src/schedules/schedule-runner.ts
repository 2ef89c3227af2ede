import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { ScheduledMaintenanceService } from './scheduled-maintenance.service.js';

/** Passes already running in this process; a slow pass does not hold back windows due meanwhile. */
const MAX_PASSES_IN_FLIGHT = 3;

/**
 * Runs processDue every SCHEDULER_INTERVAL_SECONDS inside the server. Passes may overlap (a start
 * over many sites can take minutes) because every start and end is claimed in the database.
 */
@Injectable()
export class ScheduleRunner implements OnApplicationBootstrap {
  private readonly logger = new Logger('Scheduler');
  private inFlight = 0;

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
    this.registry.addInterval('scheduled-maintenance', setInterval(() => void this.tick(), this.config.SCHEDULER_INTERVAL_SECONDS * 1000));
    void this.tick();
  }

  private async tick(): Promise<void> {
    if (this.inFlight >= MAX_PASSES_IN_FLIGHT) return;
    this.inFlight += 1;
    try {
      const report = await this.schedules.processDue();
      for (const run of report.started) this.logger.log(`Started "${run.title}" (${run.id}), ${Math.round(run.lateByMs! / 100) / 10} s after its time`);
      for (const run of report.ended) this.logger.log(`Ended "${run.title}" (${run.id})`);
      for (const run of report.missed) this.logger.warn(`Missed "${run.title}" (${run.id}): it passed while nothing was running`);
      for (const run of report.failed) this.logger.warn(`Failed to ${run.phase} "${run.title}" (${run.id})`);
    } catch (error) {
      this.logger.error(`Scheduled maintenance pass failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.inFlight -= 1;
    }
  }
}
