import { Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import type { KeyBoundClient } from '../cloudflare/key-bound-client.js';
import { ConflictError, ValidationError } from '../common/errors.js';
import { isOwnerGone } from '../common/process-owner.js';
import type { LogSubject } from '../logs/logs.service.js';
import type { MaintenanceLog } from '../logs/maintenance-log.entity.js';
import type { CloudflareSite, MaintenanceState, OwnedRule } from '../sites/cloudflare-site.entity.js';
import { type Settlement, SiteRepository } from '../sites/site.repository.js';
import { EngineSelector } from './engines/engine-selector.js';
import type { MaintenanceEngine, Progress } from './engines/maintenance-engine.js';
import { requireZone } from './owned-rules.js';
import { failureCode, TransitionFailedError } from './transition-failed.error.js';

/** How long an operation waits for another one on the same site to finish before giving up. */
const WAIT_FOR_OTHER_MS = 120_000;
const POLL_MS = 200;

export interface Claimed {
  site: CloudflareSite;
  log: MaintenanceLog;
}

export type ClaimOrSettled = { claimed: Claimed } | { settled: CloudflareSite };

export interface TransitionContext {
  /** The site as it was claimed. */
  site: CloudflareSite;
  zoneId: string;
  engine: MaintenanceEngine;
  client: KeyBoundClient;
  progress: Progress;
  /** Stores the site's rules as they stand now (each one as soon as it exists). */
  record: (rules: OwnedRule[]) => Promise<void>;
  /** Deletes what it can; returns the rules that could not be deleted. */
  removeEach: (rules: OwnedRule[]) => Promise<OwnedRule[]>;
  syncShared: SyncShared;
}

/**
 * Lets the engines that share something between sites (the worker script) bring it in line once the site's
 * rules changed (MaintenanceEngine.syncShared); `engines` defaults to those the site uses (EngineSelector.usedBy).
 */
export type SyncShared = (site: CloudflareSite, options: { leaving: boolean; engines?: MaintenanceEngine[] }) => Promise<void>;

export interface RollbackContext {
  progress: Progress;
  /** As in TransitionContext; when the work failed before a client existed, nothing is deleted. */
  removeEach: (rules: OwnedRule[]) => Promise<OwnedRule[]>;
  /** As in TransitionContext; without a client nothing was written, and nothing is done. */
  syncShared: SyncShared;
}

export interface TransitionDone {
  settlement: Settlement;
  ruleIds: string[];
  /** The work ended, but not as asked (e.g. old rules left behind): the attempt is audited as failed. */
  failure?: string;
}

export interface TransitionRollback {
  settlement: Settlement;
  ruleIds: string[];
  /** What the failure left behind, in words ('' when there is nothing to say). */
  aftermath: string;
}

export interface Transition {
  /** The start of the failure message, e.g. "Enabling maintenance on example.com". */
  what: string;
  work(context: TransitionContext): Promise<TransitionDone>;
  rollback(context: RollbackContext, error: unknown): Promise<TransitionRollback>;
}

/**
 * The one path of every site transition: claim → pending audit row (one transaction) → key-bound
 * client → the engine's work → settle and complete the row (one transaction), or roll back and record
 * what is left → mark the key used on success. A failure is thrown as TransitionFailedError with the
 * kind of its cause.
 */
@Injectable()
export class TransitionRunner {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly sites: SiteRepository,
    private readonly engines: EngineSelector,
  ) {}

  /** One attempt at the claim; null when another operation holds the site. */
  claimOnce(site: CloudflareSite, from: MaintenanceState[], to: 'enabling' | 'disabling', subject: LogSubject, abandonedBy: string | null = null): Promise<Claimed | null> {
    return this.sites.claim(site.id, from, to, subject, abandonedBy);
  }

  /**
   * Takes the site's transition, or, when another operation holds it, waits for that one to settle and
   * decides again: ten concurrent enables make one set of rules and nine no-ops.
   */
  async claimOrWait(
    site: CloudflareSite,
    from: MaintenanceState[],
    to: 'enabling' | 'disabling',
    goal: 'on' | 'off',
    subject: LogSubject,
  ): Promise<ClaimOrSettled> {
    const deadline = Date.now() + WAIT_FOR_OTHER_MS;
    let abandonedBy: string | null = null;
    for (;;) {
      const claimed = await this.sites.claim(site.id, from, to, subject, abandonedBy);
      if (claimed) return { claimed };
      const current = await this.sites.find(site.id);
      if (!current) throw new ValidationError(`${site.domain} was removed.`);
      if (current.maintenanceState === goal || current.maintenanceState === 'needs_reconcile') return { settled: current };
      if (current.maintenanceState === 'off' || current.maintenanceState === 'on') continue;
      if (isOwnerGone(current.claimedBy)) {
        // The process that held the claim died mid-operation: take it over now rather than wait it out.
        abandonedBy = current.claimedBy;
        continue;
      }
      if (Date.now() > deadline) {
        throw new ConflictError(
          `${site.domain} is busy: another operation (${current.maintenanceState}) has held it since ` +
            `${current.stateChangedAt.toISOString()}. Try again later.`,
        );
      }
      await sleep(POLL_MS);
    }
  }

  async run({ site, log }: Claimed, transition: Transition): Promise<MaintenanceLog> {
    const started = performance.now();
    const durationMs = () => performance.now() - started;
    const engine = this.engines.for(site);
    const progress: Progress = { step: 'read the API key', adopted: [], created: [] };
    let zoneId: string | undefined;
    let client: KeyBoundClient | undefined;
    let done: TransitionDone;
    try {
      zoneId = requireZone(site);
      client = await this.apiKeys.clientFor(site.apiKeyId);
      const removeEach = this.remover(client, zoneId);
      const syncShared = this.sharer(client, progress);
      done = await transition.work({ site, zoneId, engine, client, progress, removeEach, syncShared, record: (rules) => this.sites.recordRules(site.id, rules) });
    } catch (error) {
      // The rollback may take steps of its own; the failure is the step that failed.
      const failedStep = progress.step;
      const removeEach = client && zoneId ? this.remover(client, zoneId) : async (rules: OwnedRule[]) => rules;
      const syncShared: SyncShared = client ? this.sharer(client, progress) : async () => {};
      const rollback = await transition.rollback({ progress, removeEach, syncShared }, error);
      const reason = error instanceof Error ? error.message : String(error);
      const message = [`${transition.what} failed at step "${failedStep}": ${reason}`, rollback.aftermath].filter(Boolean).join(' ');
      const failed = await this.sites.finish(rollback.settlement, log, {
        outcome: 'failed',
        durationMs: durationMs(),
        ruleIds: rollback.ruleIds,
        errorCode: failureCode(error),
        errorMessage: message,
      });
      throw new TransitionFailedError(message, failed, error, { step: failedStep });
    }
    if (done.failure) {
      const failed = await this.sites.finish(done.settlement, log, {
        outcome: 'failed',
        durationMs: durationMs(),
        ruleIds: done.ruleIds,
        errorMessage: done.failure,
      });
      throw new TransitionFailedError(done.failure, failed, undefined, { kind: 'cloudflare', step: progress.step });
    }
    const finished = await this.sites.finish(done.settlement, log, { outcome: 'success', durationMs: durationMs(), ruleIds: done.ruleIds });
    await client.markUsed();
    return finished;
  }

  private sharer(client: KeyBoundClient, progress: Progress): SyncShared {
    return async (site, { leaving, engines = this.engines.usedBy(site) }) => {
      for (const engine of engines) await engine.syncShared?.(client, site, progress, { leaving });
    };
  }

  /** Each rule is deleted by the engine that made it (EngineSelector.forRule). */
  private remover(client: KeyBoundClient, zoneId: string) {
    return async (rules: OwnedRule[]): Promise<OwnedRule[]> => {
      const left: OwnedRule[] = [];
      for (const rule of [...rules].reverse()) {
        try {
          await this.engines.forRule(rule).remove(client, zoneId, rule);
        } catch {
          left.push(rule);
        }
      }
      return left;
    };
  }
}
