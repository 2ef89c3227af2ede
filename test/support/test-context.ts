import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { ActiveWindowsModule } from '../../src/schedules/active-windows.module.js';
import { Test } from '@nestjs/testing';
import { ApiKeysModule } from '../../src/api-keys/api-keys.module.js';
import { ApiKeysService } from '../../src/api-keys/api-keys.service.js';
import { ApiTokensModule } from '../../src/api-tokens/api-tokens.module.js';
import { ApiTokensService } from '../../src/api-tokens/api-tokens.service.js';
import { ConfigModule } from '../../src/config/config.module.js';
import { loadConfig } from '../../src/config/load-config.js';
import { DatabaseModule } from '../../src/database/database.module.js';
import { LogsModule } from '../../src/logs/logs.module.js';
import { LogsService } from '../../src/logs/logs.service.js';
import { MaintenanceModule } from '../../src/maintenance/maintenance.module.js';
import { PageBrandingModule } from '../../src/maintenance-page/page-branding.module.js';
import { PageBrandingService } from '../../src/maintenance-page/page-branding.service.js';
import { BulkOperationsService } from '../../src/maintenance/bulk-operations.service.js';
import { MaintenanceService } from '../../src/maintenance/maintenance.service.js';
import { WebhookNotifier } from '../../src/notifications/webhook.notifier.js';
import { CLOCK } from '../../src/schedules/clock.js';
import { ScheduledMaintenanceService } from '../../src/schedules/scheduled-maintenance.service.js';
import { SchedulesModule } from '../../src/schedules/schedules.module.js';
import { ReconcileService } from '../../src/maintenance/reconcile.service.js';
import { SiteSettingsService } from '../../src/maintenance/site-settings.service.js';
import { KeySitesModule } from '../../src/sites/key-sites.module.js';
import { SitesModule } from '../../src/sites/sites.module.js';
import { SiteSelectionService } from '../../src/sites/site-selection.service.js';
import { SiteSyncService } from '../../src/sites/site-sync.service.js';
import { SitesService } from '../../src/sites/sites.service.js';

export const TEST_SECRET_KEY = 'test-secret-key-0123456789abcdef-0123456789';
export const TEST_PUBLIC_URL = 'https://maintenance.example.net';
export const TEST_SESSION_SECRET = 'test-session-secret-0123456789abcdef-012345';

/** The environment a test's CLI child process or service context runs with. */
export function testEnv(databaseUrl: string, cloudflareBaseUrl: string, extra: Record<string, string> = {}) {
  return {
    DATABASE_URL: databaseUrl,
    APP_SECRET_KEY: TEST_SECRET_KEY,
    SESSION_SECRET: TEST_SESSION_SECRET,
    CLOUDFLARE_API_BASE_URL: cloudflareBaseUrl,
    PUBLIC_URL: TEST_PUBLIC_URL,
    CLOUDFLARE_TIMEOUT_MS: '2000',
    CLOUDFLARE_MAX_RETRIES: '3',
    ...extra,
  };
}

@Module({})
class ServicesUnderTest {
  static register(env: Record<string, string>): DynamicModule {
    return {
      module: ServicesUnderTest,
      imports: [
        ConfigModule.forRoot(loadConfig(env)),
        DatabaseModule.forRoot('cli'),
        ApiKeysModule,
        SitesModule,
        KeySitesModule,
        ActiveWindowsModule,
        LogsModule,
        MaintenanceModule,
        SchedulesModule,
        ApiTokensModule,
        PageBrandingModule,
      ],
    };
  }
}

/** The time the scheduler sees: real time until a test sets it. */
export class TestClock {
  private fixed: Date | null = null;

  now(): Date {
    return this.fixed ? new Date(this.fixed) : new Date();
  }

  set(instant: Date | string): void {
    this.fixed = new Date(instant);
  }
}

export interface TestContext {
  app: INestApplicationContext;
  apiKeys: ApiKeysService;
  apiTokens: ApiTokensService;
  sites: SitesService;
  siteSync: SiteSyncService;
  logs: LogsService;
  maintenance: MaintenanceService;
  reconcile: ReconcileService;
  siteSettings: SiteSettingsService;
  pageBranding: PageBrandingService;
  bulk: BulkOperationsService;
  selection: SiteSelectionService;
  schedules: ScheduledMaintenanceService;
  notifier: WebhookNotifier;
  clock: TestClock;
  close(): Promise<void>;
}

/** The real services wired by Nest, against a real database and the fake Cloudflare over HTTP. */
export async function createTestContext(env: Record<string, string>): Promise<TestContext> {
  const clock = new TestClock();
  const moduleRef = await Test.createTestingModule({ imports: [ServicesUnderTest.register(env)] })
    .overrideProvider(CLOCK)
    .useValue(clock)
    .setLogger({ log() {}, error() {}, warn() {}, debug() {}, verbose() {}, fatal() {} })
    .compile();
  const app = await moduleRef.init();
  return {
    app,
    apiKeys: app.get(ApiKeysService),
    apiTokens: app.get(ApiTokensService),
    sites: app.get(SitesService),
    siteSync: app.get(SiteSyncService),
    logs: app.get(LogsService),
    maintenance: app.get(MaintenanceService),
    reconcile: app.get(ReconcileService),
    siteSettings: app.get(SiteSettingsService),
    pageBranding: app.get(PageBrandingService),
    bulk: app.get(BulkOperationsService),
    selection: app.get(SiteSelectionService),
    schedules: app.get(ScheduledMaintenanceService),
    notifier: app.get(WebhookNotifier),
    clock,
    close: () => app.close(),
  };
}
