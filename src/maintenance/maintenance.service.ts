import { Inject, Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { CloudflareApiError } from '../cloudflare/cloudflare-api.error.js';
import { CloudflareGateway } from '../cloudflare/cloudflare.gateway.js';
import { AppError, ConflictError, ValidationError } from '../common/errors.js';
import { isOwnerGone } from '../common/process-owner.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { LogsService, type LogSubject } from '../logs/logs.service.js';
import type { MaintenanceLog } from '../logs/maintenance-log.entity.js';
import type { CloudflareSite, MaintenanceState, OwnedRule } from '../sites/cloudflare-site.entity.js';
import { assertNoRedirectLoop } from '../sites/redirect-loop.js';
import { maintenanceRedirectUrl, redirectUrlIfKnown } from './maintenance-targets.js';
import { type MaintenanceResult, type MaintenanceStatus, statusOf } from './maintenance-result.js';
import { findOwnedRules } from './rule-plan.js';
import { type Progress, requireZone, RuleOperations, ruleIds } from './rule-operations.js';
import { type RuleSettings, type Settlement, SiteStateStore } from './site-state.store.js';

/** How long an operation waits for another one on the same site to finish before giving up. */
const WAIT_FOR_OTHER_MS = 120_000;
const POLL_MS = 200;

export class MaintenanceFailedError extends AppError {
  readonly kind = 'cloudflare' as const;
  constructor(
    message: string,
    readonly log: MaintenanceLog,
    override readonly cause: unknown,
  ) {
    super(message);
  }
}

type Claim = { site: CloudflareSite; log: MaintenanceLog } | { settled: CloudflareSite };

@Injectable()
export class MaintenanceService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly gateway: CloudflareGateway,
    private readonly apiKeys: ApiKeysService,
    private readonly logs: LogsService,
    private readonly state: SiteStateStore,
    private readonly rules: RuleOperations,
  ) {}

  async getStatus(site: CloudflareSite): Promise<MaintenanceStatus> {
    return statusOf((await this.state.find(site.id)) ?? site);
  }

  async enableMaintenance(site: CloudflareSite, reason: string | null, actor: string): Promise<MaintenanceResult> {
    if (!site.isActive) {
      throw new ValidationError(`${site.domain} is marked inactive; activate it before enabling maintenance.`);
    }
    const forwardUrl = maintenanceRedirectUrl(site, this.config.PUBLIC_URL);
    assertNoRedirectLoop(site, this.config.PUBLIC_URL);
    const zoneId = requireZone(site);
    const subject: LogSubject = { siteId: site.id, domain: site.domain, action: 'enable', actor, reason };

    const claim = await this.claim(site, ['off'], 'enabling', 'on', subject);
    if ('settled' in claim) {
      if (claim.settled.maintenanceState === 'needs_reconcile') {
        throw new ConflictError(
          `${site.domain} needs reconciliation: rules ${ruleIds(claim.settled.maintenanceRules).join(', ')} were left in the ` +
            `zone by a failed rollback. Run \`maintenance disable ${site.domain}\` to clean up, then enable again.`,
        );
      }
      return this.skip(subject, `${site.domain} is already in maintenance; nothing changed.`);
    }

    const { log } = claim;
    const started = performance.now();
    const progress: Progress = { step: 'read the API key', created: [] };
    let token: string | undefined;
    let done: MaintenanceLog;
    try {
      token = await this.apiKeys.tokenFor(site.apiKeyId);
      const owned = await this.rules.createRules(token, claim.site, forwardUrl, progress, []);
      done = await this.state.finish({ siteId: site.id, state: 'on', rules: owned, reason }, log, {
        outcome: 'success',
        durationMs: performance.now() - started,
        ruleIds: ruleIds(owned),
      });
    } catch (error) {
      const owned = [...progress.adopted ?? [], ...progress.created];
      const left = token ? await this.rules.removeRules(token, zoneId, owned) : owned;
      const settlement: Settlement = { siteId: site.id, state: left.length ? 'needs_reconcile' : 'off', rules: left };
      const aftermath = left.length
        ? `Rollback failed: rule(s) ${ruleIds(left).join(', ')} are still in the zone and the site is marked for reconciliation.`
        : owned.length
          ? `The ${owned.length} rule(s) already created were removed; the site is out of maintenance.`
          : 'Nothing was changed in Cloudflare; the site is out of maintenance.';
      throw await this.fail(log, started, error, `Enabling maintenance on ${site.domain} failed at step "${progress.step}"`, aftermath, owned, settlement);
    }
    await this.apiKeys.markUsed(site.apiKeyId);
    return { domain: site.domain, outcome: 'success', message: `${site.domain} is in maintenance.`, log: done };
  }

  /**
   * Applies new rule settings (subdomain mode, subdomains, maintenance URL) to a site in maintenance:
   * the new rules are created first, then the old ones removed, so the site never has a gap; if the
   * new rules cannot all be created they are removed again and nothing changes.
   */
  async changeRuleSettings(site: CloudflareSite, settings: RuleSettings, actor: string): Promise<MaintenanceResult> {
    const next = { ...site, ...settings } as CloudflareSite;
    const forwardUrl = maintenanceRedirectUrl(next, this.config.PUBLIC_URL);
    const zoneId = requireZone(site);
    const claimed = await this.state.claim(site.id, ['on'], 'enabling', {
      siteId: site.id,
      domain: site.domain,
      action: 'enable',
      actor,
      reason: 'rules re-applied after a settings change',
    });
    if (!claimed) {
      throw new ConflictError(`${site.domain} is no longer simply in maintenance (another operation is running); try again.`);
    }
    const { log } = claimed;
    const started = performance.now();
    const previous = claimed.site.maintenanceRules;
    const progress: Progress = { step: 'read the API key', created: [] };
    let token: string | undefined;
    let kept: OwnedRule[];
    try {
      token = await this.apiKeys.tokenFor(site.apiKeyId);
      kept = await this.rules.createRules(token, next, forwardUrl, progress, previous);
    } catch (error) {
      const left = token ? await this.rules.removeRules(token, zoneId, progress.created) : progress.created;
      const settlement: Settlement = { siteId: site.id, state: left.length ? 'needs_reconcile' : 'on', rules: [...previous, ...left] };
      const aftermath = left.length
        ? `Rollback failed: new rule(s) ${ruleIds(left).join(', ')} are still in the zone; the site is marked for reconciliation.`
        : 'The previous rules and settings are unchanged; the site is still in maintenance.';
      throw await this.fail(log, started, error, `Changing the rules of ${site.domain} failed at step "${progress.step}"`, aftermath, progress.created, settlement);
    }

    const obsolete = previous.filter((rule) => !kept.some((keep) => keep.id === rule.id));
    const leftovers = await this.rules.removeRules(token, zoneId, obsolete);
    const settlement: Settlement = { siteId: site.id, state: 'on', rules: [...kept, ...leftovers], settings };
    if (leftovers.length) {
      const message =
        `The new rules of ${site.domain} are active, but old rule(s) ${ruleIds(leftovers).join(', ')} could not be removed; ` +
        'they stay recorded with the site and are removed when maintenance is disabled.';
      const done = await this.state.finish(settlement, log, {
        outcome: 'failed',
        durationMs: performance.now() - started,
        ruleIds: ruleIds(kept),
        errorMessage: message,
      });
      throw new MaintenanceFailedError(message, done, undefined);
    }
    const done = await this.state.finish(settlement, log, { outcome: 'success', durationMs: performance.now() - started, ruleIds: ruleIds(kept) });
    return { domain: site.domain, outcome: 'success', message: `${site.domain}: rules updated for the new settings.`, log: done };
  }

  async disableMaintenance(site: CloudflareSite, actor: string): Promise<MaintenanceResult> {
    const zoneId = requireZone(site);
    const subject: LogSubject = { siteId: site.id, domain: site.domain, action: 'disable', actor };

    const claim = await this.claim(site, ['on', 'needs_reconcile'], 'disabling', 'off', subject);
    if ('settled' in claim) return this.skip(subject, `${site.domain} is not in maintenance; nothing changed.`);

    const { log } = claim;
    const started = performance.now();
    let remaining = claim.site.maintenanceRules;
    let step = 'read the API key';
    let done: MaintenanceLog;
    try {
      const token = await this.apiKeys.tokenFor(site.apiKeyId);
      step = 'list the Page Rules';
      const zoneRules = await this.gateway.listPageRules(token, zoneId);
      const forwardUrl = redirectUrlIfKnown(claim.site, this.config.PUBLIC_URL);
      const ours = findOwnedRules(claim.site, forwardUrl, claim.site.maintenanceRules, zoneRules);
      remaining = ours;
      for (const [index, rule] of ours.entries()) {
        step = `delete rule ${index + 1} of ${ours.length} (${rule.target})`;
        await this.gateway.deletePageRule(token, zoneId, rule.id);
        remaining = ours.slice(index + 1);
        await this.state.recordRules(site.id, remaining);
      }
      done = await this.state.finish({ siteId: site.id, state: 'off', rules: [] }, log, {
        outcome: 'success',
        durationMs: performance.now() - started,
        ruleIds: ruleIds(ours),
      });
    } catch (error) {
      const aftermath = `The site is still in maintenance with rule(s) ${ruleIds(remaining).join(', ') || '(none)'}; run disable again.`;
      const settlement: Settlement = { siteId: site.id, state: 'on', rules: remaining };
      throw await this.fail(log, started, error, `Disabling maintenance on ${site.domain} failed at step "${step}"`, aftermath, remaining, settlement);
    }
    await this.apiKeys.markUsed(site.apiKeyId);
    return { domain: site.domain, outcome: 'success', message: `${site.domain} is out of maintenance.`, log: done };
  }

  /**
   * Takes the site's transition, or, when another operation holds it, waits for that one to settle and
   * decides again: ten concurrent enables make one set of rules and nine no-ops.
   */
  private async claim(
    site: CloudflareSite,
    from: MaintenanceState[],
    to: 'enabling' | 'disabling',
    goal: 'on' | 'off',
    subject: LogSubject,
  ): Promise<Claim> {
    const deadline = Date.now() + WAIT_FOR_OTHER_MS;
    let abandonedBy: string | null = null;
    for (;;) {
      const claimed = await this.state.claim(site.id, from, to, subject, abandonedBy);
      if (claimed) return claimed;
      const current = await this.state.find(site.id);
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

  private async skip(subject: LogSubject, message: string): Promise<MaintenanceResult> {
    const log = await this.logs.skipped(subject, message);
    return { domain: subject.domain, outcome: 'skipped', message, log };
  }

  private async fail(
    log: MaintenanceLog,
    started: number,
    error: unknown,
    what: string,
    aftermath: string,
    rules: OwnedRule[],
    settlement: Settlement,
  ): Promise<AppError> {
    const reason = error instanceof Error ? error.message : String(error);
    const message = `${what}: ${reason} ${aftermath}`;
    const done = await this.state.finish(settlement, log, {
      outcome: 'failed',
      durationMs: performance.now() - started,
      ruleIds: ruleIds(rules),
      errorCode: error instanceof CloudflareApiError ? error.code : error instanceof AppError ? error.kind : null,
      errorMessage: message,
    });
    return new MaintenanceFailedError(message, done, error);
  }

}
