import { Module } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ThrottlerModule } from '@nestjs/throttler';
import { createRequire } from 'node:module';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { ApiTokensModule } from '../api-tokens/api-tokens.module.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { MaintenanceModule } from '../maintenance/maintenance.module.js';
import { OperationsModule } from '../operations/operations.module.js';
import { SchedulesModule } from '../schedules/schedules.module.js';
import { LogsModule } from '../logs/logs.module.js';
import { SitesModule } from '../sites/sites.module.js';
import { apiBody } from './api-body.middleware.js';
import { API_PREFIX } from './api-controller.decorator.js';
import { ApiAuthGuard } from './api-auth.guard.js';
import { ApiThrottlerGuard } from './api-throttler.guard.js';
import { AuditLogController } from './audit-log.controller.js';
import { DOCS_ASSETS_PATH, DocsController, OpenApiController, UnknownRouteController } from './docs.controller.js';
import { OperationsController } from './operations.controller.js';
import { SchedulesController } from './schedules.controller.js';
import { ScopedSites } from './scoped-sites.js';
import { SitesController } from './sites.controller.js';

/** The HTTP API under /api/v1 (docs/api.md), for the server only. */
@Module({
  imports: [
    ApiKeysModule,
    ApiTokensModule,
    SitesModule,
    MaintenanceModule,
    OperationsModule,
    SchedulesModule,
    LogsModule,
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => [{ ttl: 60_000, limit: config.API_RATE_LIMIT_PER_MINUTE }],
    }),
  ],
  providers: [ApiAuthGuard, ApiThrottlerGuard, ScopedSites],
  controllers: [SitesController, OperationsController, SchedulesController, AuditLogController, OpenApiController, DocsController, UnknownRouteController],
})
export class ApiModule {
  /** Before the app listens: the API parses its own bodies (the server has no body parser), and serves the reference's files. */
  static mount(app: NestExpressApplication): void {
    app.use(`/${API_PREFIX}`, apiBody);
    const swaggerUi = createRequire(import.meta.url)('swagger-ui-dist') as { getAbsoluteFSPath(): string };
    app.useStaticAssets(swaggerUi.getAbsoluteFSPath(), { prefix: DOCS_ASSETS_PATH, index: false });
  }
}
