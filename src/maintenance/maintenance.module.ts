import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { CloudflareModule } from '../cloudflare/cloudflare.module.js';
import { LogsModule } from '../logs/logs.module.js';
import { MaintenanceService } from './maintenance.service.js';
import { RuleOperations } from './rule-operations.js';
import { SiteSettingsService } from './site-settings.service.js';
import { SiteStateStore } from './site-state.store.js';

@Module({
  imports: [ApiKeysModule, CloudflareModule, LogsModule],
  providers: [MaintenanceService, SiteStateStore, SiteSettingsService, RuleOperations],
  exports: [MaintenanceService, SiteSettingsService],
})
export class MaintenanceModule {}
