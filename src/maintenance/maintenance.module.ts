import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { CloudflareModule } from '../cloudflare/cloudflare.module.js';
import { LogsModule } from '../logs/logs.module.js';
import { SitesModule } from '../sites/sites.module.js';
import { BulkOperationsService } from './bulk-operations.service.js';
import { MaintenanceService } from './maintenance.service.js';
import { ReconcileService } from './reconcile.service.js';
import { RuleOperations } from './rule-operations.js';
import { SiteSettingsService } from './site-settings.service.js';
import { SiteStateStore } from './site-state.store.js';

@Module({
  imports: [ApiKeysModule, CloudflareModule, LogsModule, SitesModule],
  providers: [BulkOperationsService, MaintenanceService, SiteStateStore, SiteSettingsService, RuleOperations, ReconcileService],
  exports: [BulkOperationsService, MaintenanceService, SiteSettingsService, ReconcileService],
})
export class MaintenanceModule {}
