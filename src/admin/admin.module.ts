import { Inject, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ADMIN_ROOT_PATH, adminPanelUrl } from '../admin-users/admin-panel-url.js';
import { AdminUsersModule } from '../admin-users/admin-users.module.js';
import { AdminUsersService } from '../admin-users/admin-users.service.js';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { ApiTokensModule } from '../api-tokens/api-tokens.module.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { resolveSessionSecret } from '../config/session-secret.js';
import { LogsModule } from '../logs/logs.module.js';
import { MaintenanceModule } from '../maintenance/maintenance.module.js';
import { SchedulesModule } from '../schedules/schedules.module.js';
import { SitesModule } from '../sites/sites.module.js';
import { NO_ADMIN_USER_YET } from './admin-authenticator.js';
import type { AdminPanel } from './admin-panel.js';
import { DashboardService } from './dashboard/dashboard.service.js';

const ADMIN_PANEL = Symbol('ADMIN_PANEL');

/**
 * AdminJS reads ADMIN_JS_TMP_DIR once, when it is first imported, so nothing this file imports may import
 * it: the panel is loaded here, after the variable points at a folder of this process's own (not a
 * dot-folder, which Express 5 will not serve: docs/stack-notes.md#adminjs).
 */
async function openAdminPanel(config: AppConfig, dataSource: DataSource, moduleRef: ModuleRef): Promise<AdminPanel> {
  const sessionSecret = resolveSessionSecret(config);
  const bundleDir = await mkdtemp(join(tmpdir(), 'cloudflare-maintenance-admin-'));
  process.env.ADMIN_JS_TMP_DIR = bundleDir;
  // Bundled once by createAdminPanel (component-bundle.ts), not again by AdminJS in production.
  process.env.ADMIN_JS_SKIP_BUNDLE = 'true';
  let panel: AdminPanel;
  try {
    const { createAdminPanel } = await import('./admin-panel.js');
    panel = await createAdminPanel({
      config,
      dataSource,
      sessionSecret,
      services: { get: (type) => moduleRef.get(type, { strict: false }) },
    });
  } catch (error) {
    await rm(bundleDir, { recursive: true, force: true });
    throw error;
  }
  return {
    router: panel.router,
    async close() {
      await panel.close();
      await rm(bundleDir, { recursive: true, force: true });
    },
  };
}

/** The admin panel, for the server only: the CLI's module never imports it (docs/stack-notes.md#the-cli-stays-small). */
@Module({
  imports: [ApiKeysModule, ApiTokensModule, SitesModule, LogsModule, MaintenanceModule, SchedulesModule, AdminUsersModule],
  providers: [DashboardService, { provide: ADMIN_PANEL, inject: [APP_CONFIG, DataSource, ModuleRef], useFactory: openAdminPanel }],
})
export class AdminModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ADMIN_PANEL) private readonly panel: AdminPanel,
    private readonly users: AdminUsersService,
  ) {}

  /** Before the app starts listening, so that the panel comes ahead of Nest's body parsers: AdminJS parses its own forms. */
  static mount(app: NestExpressApplication): void {
    app.use(ADMIN_ROOT_PATH, app.get<AdminPanel>(ADMIN_PANEL).router);
  }

  async onApplicationBootstrap(): Promise<void> {
    if ((await this.users.count()) > 0) return;
    new Logger('AdminPanel').warn(`${NO_ADMIN_USER_YET}, then log in at ${adminPanelUrl(this.config)}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.panel.close();
  }
}
