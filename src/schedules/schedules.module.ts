import { Module } from '@nestjs/common';
import { LogsModule } from '../logs/logs.module.js';
import { MaintenanceModule } from '../maintenance/maintenance.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { SitesModule } from '../sites/sites.module.js';
import { CLOCK, systemClock } from './clock.js';
import { ScheduledMaintenanceService } from './scheduled-maintenance.service.js';
import { WindowExecutionService } from './window-execution.service.js';
import { WindowLifecycleService } from './window-lifecycle.service.js';
import { WindowStore } from './window-store.js';

@Module({
  imports: [LogsModule, MaintenanceModule, NotificationsModule, SitesModule],
  providers: [ScheduledMaintenanceService, WindowLifecycleService, WindowExecutionService, WindowStore, { provide: CLOCK, useValue: systemClock }],
  exports: [ScheduledMaintenanceService, WindowStore, NotificationsModule],
})
export class SchedulesModule {}
