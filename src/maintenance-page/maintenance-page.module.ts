import { Module } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { SchedulesModule } from '../schedules/schedules.module.js';
import { SitesModule } from '../sites/sites.module.js';
import { HealthController } from './health.controller.js';
import { maintenancePageHandler } from './maintenance-page.handler.js';
import { MaintenancePageService } from './maintenance-page.service.js';
import { PageBrandingModule } from './page-branding.module.js';

@Module({ imports: [SitesModule, SchedulesModule, PageBrandingModule], controllers: [HealthController], providers: [MaintenancePageService] })
export class MaintenancePageModule {
  /** Ahead of every Nest route and middleware: the page is the one path that carries visitor traffic. */
  static mount(app: NestExpressApplication): void {
    const config = app.get<AppConfig>(APP_CONFIG);
    app.use(maintenancePageHandler(app.get(MaintenancePageService), config.MAINTENANCE_RETRY_AFTER_SECONDS));
  }
}
