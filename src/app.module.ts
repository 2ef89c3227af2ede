import { type DynamicModule, Module } from '@nestjs/common';
import { ActiveWindowsModule } from './schedules/active-windows.module.js';
import { AdminModule } from './admin/admin.module.js';
import { ApiModule } from './api/api.module.js';
import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { ConfigModule } from './config/config.module.js';
import type { AppConfig } from './config/config.schema.js';
import { DatabaseModule } from './database/database.module.js';
import { LogsModule } from './logs/logs.module.js';
import { MaintenanceModule } from './maintenance/maintenance.module.js';
import { MaintenancePageModule } from './maintenance-page/maintenance-page.module.js';
import { SchedulerModule } from './schedules/scheduler.module.js';
import { KeySitesModule } from './sites/key-sites.module.js';
import { SitesModule } from './sites/sites.module.js';

@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot('server'),
        ApiKeysModule,
        SitesModule,
        KeySitesModule,
        ActiveWindowsModule,
        LogsModule,
        MaintenanceModule,
        MaintenancePageModule,
        SchedulerModule,
        AdminModule,
        ApiModule,
      ],
    };
  }
}
