import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { NotFoundError } from '../common/errors.js';
import { currentProcessOwner, isOwnerGone } from '../common/process-owner.js';
import { shutdownGate } from '../common/shutdown-gate.js';
import { type BulkAction, BulkOperationsService, type BulkSiteResult } from '../maintenance/bulk-operations.service.js';
import type { CloudflareSite } from '../sites/cloudflare-site.entity.js';
import { type OperationRecord, OperationStore } from './operation-store.js';

/**
 * Bulk operations that outlive their request: stored first, then run in this process by
 * BulkOperationsService (the same concurrency, claims, audit rows and Cloudflare request budget as the
 * CLI's bulk commands), each site's outcome written as it finishes. An operation whose process stopped
 * before its end is marked interrupted: its unfinished sites stay `pending`, and reconcile settles any
 * site the stop left half-switched (docs/api.md#operations).
 */
@Injectable()
export class OperationsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Operations');
  /** The runs of this process, which the shutdown lets record their last outcomes before the database closes. */
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly store: OperationStore,
    private readonly bulk: BulkOperationsService,
  ) {}

  /** An operation left running by a process that is gone was interrupted (a crash, a kill, a restart). */
  async onApplicationBootstrap(): Promise<void> {
    const gone = (await this.store.running()).filter((operation) => isOwnerGone(operation.owner)).map((operation) => operation.id);
    await this.store.markInterrupted(gone);
    if (gone.length) this.logger.warn(`${gone.length} operation(s) were interrupted by a stop of the server: ${gone.join(', ')}`);
  }

  /** After the shutdown drain (the gate is closed, so what is left of each run ends at once). */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.inFlight.values());
  }

  async start(action: BulkAction, sites: CloudflareSite[], options: { actor: string; reason: string | null }): Promise<OperationRecord> {
    const id = await this.store.create({ action, actor: options.actor, reason: options.reason, owner: currentProcessOwner() }, sites);
    const run = this.run(id, action, sites, options).finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, run);
    return this.get(id);
  }

  async get(id: string): Promise<OperationRecord> {
    const operation = await this.store.find(id);
    if (!operation) throw new NotFoundError(`There is no operation ${id}.`);
    return operation;
  }

  private async run(id: string, action: BulkAction, sites: CloudflareSite[], options: { actor: string; reason: string | null }): Promise<void> {
    const positions = new Map(sites.map((site, index) => [site.domain, index]));
    // One write at a time, in the order the sites finish: never more connections than the bulk's own.
    let writes = Promise.resolve();
    const record = (result: BulkSiteResult) => {
      // A site refused because the server is stopping was not attempted: it stays pending, the operation interrupted.
      if (result.outcome === 'failed' && shutdownGate.closing) return;
      const position = positions.get(result.domain)!;
      writes = writes.then(() => this.store.recordOutcome(id, position, result)).catch((error: unknown) => this.logWriteFailure(id, error));
    };
    try {
      await this.bulk.run(action, sites, { actor: options.actor, reason: options.reason, onProgress: record });
    } catch (error) {
      this.logger.error(`Operation ${id} stopped: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await writes;
      await this.store.finish(id).catch((error: unknown) => this.logWriteFailure(id, error));
    }
  }

  private logWriteFailure(id: string, error: unknown): void {
    this.logger.error(`Operation ${id}: could not record progress: ${error instanceof Error ? error.message : String(error)}`);
  }
}
