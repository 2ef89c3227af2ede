import { Injectable, Logger } from '@nestjs/common';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { SiteRepository } from '../sites/site.repository.js';
import { WORKER_ROUTE_TARGET_PREFIX } from './engines/worker/worker-route-target.js';
import { WorkerEngine } from './engines/worker/worker.engine.js';

/**
 * Re-deploys the worker script of an account when what its sites show changes without any rule changing: a
 * window's end or message (Retry-After and the page), the branding. Not a site transition: no claim, no audit
 * row; a failure leaves a stale script that the live status reports and reconcile re-deploys.
 */
@Injectable()
export class WorkerScriptsService {
  private readonly logger = new Logger(WorkerScriptsService.name);

  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly sites: SiteRepository,
    private readonly engine: WorkerEngine,
  ) {}

  /** Uploads the account's script as its sites stand now; nothing when it already carries that version, or no site needs it. */
  async refreshWorkerScripts(accountId: string): Promise<void> {
    const sites = await this.sites.inMaintenanceOfAccount(accountId, 'worker', WORKER_ROUTE_TARGET_PREFIX);
    // With no site left the script belongs to the operation removing the last one, which deletes it.
    if (!sites.length) return;
    const client = await this.apiKeys.clientFor(sites[0].apiKeyId);
    await this.engine.refresh(client, accountId, { step: 'refresh the worker script', adopted: [], created: [] });
  }

  /** The scripts of the accounts of these sites (those in maintenance on the worker engine), each refreshed; failures are logged, never thrown. */
  async refreshForSites(siteIds: string[]): Promise<void> {
    await this.refreshEach(await this.sites.accountsInMaintenance('worker', siteIds));
  }

  /** Every account's script (the default branding changed); failures are logged, never thrown. */
  async refreshAll(): Promise<void> {
    await this.refreshEach(await this.sites.accountsInMaintenance('worker'));
  }

  private async refreshEach(accountIds: string[]): Promise<void> {
    for (const accountId of accountIds) {
      try {
        await this.refreshWorkerScripts(accountId);
      } catch (error) {
        this.logger.warn(`The worker script of account ${accountId} could not be refreshed (reconcile re-deploys it): ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}
