import { type DynamicModule, Module } from '@nestjs/common';
import { ActiveWindowsModule } from '../schedules/active-windows.module.js';
import { AdminUsersModule } from '../admin-users/admin-users.module.js';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { ApiTokensModule } from '../api-tokens/api-tokens.module.js';
import { ConfigModule } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { DatabaseModule } from '../database/database.module.js';
import { LogsModule } from '../logs/logs.module.js';
import { MaintenanceModule } from '../maintenance/maintenance.module.js';
import { PageBrandingModule } from '../maintenance-page/page-branding.module.js';
import { SchedulesModule } from '../schedules/schedules.module.js';
import { KeySitesModule } from '../sites/key-sites.module.js';
import { SitesModule } from '../sites/sites.module.js';
import { BulkCommandRunner } from './bulk-runner.js';
import { CliOutput } from './cli-output.js';
import { ADMIN_SUBCOMMANDS, AdminCommand } from './commands/admin.command.js';
import { API_KEYS_SUBCOMMANDS, ApiKeysCommand } from './commands/api-keys.command.js';
import { API_TOKENS_SUBCOMMANDS, ApiTokensCommand } from './commands/api-tokens.command.js';
import { DbMigrateCommand } from './commands/db-migrate.command.js';
import { DbCommand } from './commands/db.command.js';
import { DisableCommand } from './commands/disable.command.js';
import { EnableCommand } from './commands/enable.command.js';
import { ExtendCommand } from './commands/extend.command.js';
import { ListCommand } from './commands/list.command.js';
import { SitesAddCommand } from './commands/sites-add.command.js';
import { SitesListCommand } from './commands/sites-list.command.js';
import { SitesRemoveCommand } from './commands/sites-remove.command.js';
import { SitesUpdateCommand } from './commands/sites-update.command.js';
import { SitesCommand } from './commands/sites.command.js';
import { PAGE_DEFAULT_SUBCOMMANDS, PageDefaultCommand } from './commands/page-default.command.js';
import { ProcessScheduledCommand } from './commands/process-scheduled.command.js';
import { ReconcileCommand } from './commands/reconcile.command.js';
import { SCHEDULE_SUBCOMMANDS, ScheduleCommand } from './commands/schedule.command.js';
import { StatusCommand } from './commands/status.command.js';
import { SyncCloudflareCommand } from './commands/sync-cloudflare.command.js';
import { SyncSitesCommand } from './commands/sync-sites.command.js';

/** The CLI's module: the same services as the server, without AdminJS or the scheduler (docs/stack-notes.md#the-cli-stays-small). */
@Module({})
export class CliModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot('cli'),
        ApiKeysModule,
        SitesModule,
        KeySitesModule,
        ActiveWindowsModule,
        LogsModule,
        MaintenanceModule,
        SchedulesModule,
        AdminUsersModule,
        ApiTokensModule,
        PageBrandingModule,
      ],
      providers: [
        CliOutput,
        BulkCommandRunner,
        ApiKeysCommand,
        ...API_KEYS_SUBCOMMANDS,
        SyncCloudflareCommand,
        SyncSitesCommand,
        SitesCommand,
        SitesAddCommand,
        SitesListCommand,
        SitesUpdateCommand,
        SitesRemoveCommand,
        EnableCommand,
        ExtendCommand,
        DisableCommand,
        StatusCommand,
        ReconcileCommand,
        ListCommand,
        DbCommand,
        DbMigrateCommand,
        ScheduleCommand,
        ...SCHEDULE_SUBCOMMANDS,
        ProcessScheduledCommand,
        AdminCommand,
        ...ADMIN_SUBCOMMANDS,
        ApiTokensCommand,
        ...API_TOKENS_SUBCOMMANDS,
        PageDefaultCommand,
        ...PAGE_DEFAULT_SUBCOMMANDS,
      ],
    };
  }
}
