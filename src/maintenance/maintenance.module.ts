import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { LogsModule } from '../logs/logs.module.js';
import { PageBrandingModule } from '../maintenance-page/page-branding.module.js';
import { SitesModule } from '../sites/sites.module.js';
import { BulkOperationsService } from './bulk-operations.service.js';
import { EngineSelector } from './engines/engine-selector.js';
import { PageRulesEngine } from './engines/page-rules/page-rules.engine.js';
import { RedirectRuleEngine } from './engines/redirect-rule/redirect-rule.engine.js';
import { WORKER_SCRIPT_DIRECTORY } from './engines/worker/worker-script-directory.js';
import { WorkerEngine } from './engines/worker/worker.engine.js';
import { MaintenanceService } from './maintenance.service.js';
import { ReconcileRepair } from './reconcile-repair.js';
import { ReconcileService } from './reconcile.service.js';
import { SiteSettingsService } from './site-settings.service.js';
import { TransitionRunner } from './transition-runner.js';
import { WorkerScriptEntries } from './worker-script-entries.service.js';
import { PageDefaultSettingsService } from './page-default-settings.service.js';
import { WorkerScriptsService } from './worker-scripts.service.js';

@Module({
  imports: [ApiKeysModule, LogsModule, SitesModule, PageBrandingModule],
  providers: [
    BulkOperationsService,
    MaintenanceService,
    SiteSettingsService,
    ReconcileService,
    ReconcileRepair,
    TransitionRunner,
    EngineSelector,
    PageRulesEngine,
    RedirectRuleEngine,
    WorkerEngine,
    WorkerScriptEntries,
    { provide: WORKER_SCRIPT_DIRECTORY, useExisting: WorkerScriptEntries },
    WorkerScriptsService,
    PageDefaultSettingsService,
  ],
  exports: [BulkOperationsService, MaintenanceService, SiteSettingsService, ReconcileService, EngineSelector, WorkerScriptsService, PageDefaultSettingsService],
})
export class MaintenanceModule {}
