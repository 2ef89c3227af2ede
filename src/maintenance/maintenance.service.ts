import { Inject, Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { CloudflareApiError } from '../cloudflare/cloudflare-api.error.js';
import { CloudflareGateway } from '../cloudflare/cloudflare.gateway.js';
import { AppError, ConflictError, ValidationError } from '../common/errors.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { LogsService, type LogSubject } from '../logs/logs.service.js';
import type { MaintenanceLog } from '../logs/maintenance-log.entity.js';
import type { CloudflareSite, MaintenanceState, OwnedRule } from '../sites/cloudflare-site.entity.js';
import { maintenanceRedirectUrl } from './maintenance-targets.js';
import { type MaintenanceResult, type MaintenanceStatus, statusOf } from './maintenance-result.js';
import { findOwnedRules, planEnable } from './rule-plan.js';
import { SiteStateStore } from './site-state.store.js';

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

type Claim = { site: CloudflareSite } | { settled: CloudflareSite };

@Injectable()
export class MaintenanceService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly gateway: CloudflareGateway,
    private readonly apiKeys: ApiKeysService,
    private readonly logs: LogsService,
    private readonly state: SiteStateStore,
  ) {}

  async getStatus(site: CloudflareSite): Promise<MaintenanceStatus> {
    return statusOf((await this.state.find(site.id)) ?? site);
  }

  async enableMaintenance(site: CloudflareSite, reason: string | null, actor: string): Promise<MaintenanceResult> {
    if (!site.isActive) {
      throw new ValidationError(`${site.domain} is marked inactive; activate it before enabling maintenance.`);
    }
    const forwardUrl = maintenanceRedirectUrl(site, this.config.PUBLIC_URL);
    const zoneId = this.requireZone(site);
    const subject: LogSubject = { siteId: site.id, domain: site.domain, action: 'enable', actor, reason };

    const claim = await this.claim(site, ['off'], 'enabling', 'on');
    if ('settled' in claim) {
      if (claim.settled.maintenanceState === 'needs_reconcile') {
        throw new ConflictError(
          `${site.domain} needs reconciliation: rules ${ruleIds(claim.settled.maintenanceRules).join(', ')} were left in the ` +
            `zone by a failed rollback. Run \`maintenance disable ${site.domain}\` to clean up, then enable again.`,
        );
      }
      return this.skip(subject, `${site.domain} is already in maintenance; nothing changed.`);
    }

    const log = await this.logs.start(subject);
    const started = performance.now();
    const owned: OwnedRule[] = [];
    let token: string | undefined;
    let step = 'read the API key';
    try {
      token = await this.apiKeys.tokenFor(site.apiKeyId);
      step = 'read the zone and its Page Rules';
      const [zone, rules] = await Promise.all([
        this.gateway.getZone(token, zoneId),
        this.gateway.listPageRules(token, zoneId),
      ]);
      step = 'plan the rules';
      const plan = planEnable(claim.site, forwardUrl, {
        name: zone.name,
        pageRuleQuota: zone.meta?.page_rule_quota,
        rules,
      });
      owned.push(...plan.adopted);
      for (const [index, rule] of plan.create.entries()) {
        step = `create rule ${index + 1} of ${plan.create.length} (${rule.target})`;
        const created = await this.gateway.createForwardingRule(token, zoneId, rule);
        owned.push({ id: created.id, target: rule.target });
        await this.state.recordRules(site.id, owned);
      }
      await this.state.settle(site.id, 'on', owned, reason);
      await this.apiKeys.markUsed(site.apiKeyId);
      const done = await this.logs.complete(log, {
        outcome: 'success',
        durationMs: performance.now() - started,
        ruleIds: ruleIds(owned),
      });
      return { domain: site.domain, outcome: 'success', message: `${site.domain} is in maintenance.`, log: done };
    } catch (error) {
      const left = token ? await this.removeRules(token, zoneId, owned) : owned;
      await this.state.settle(site.id, left.length ? 'needs_reconcile' : 'off', left);
      const aftermath = left.length
        ? `Rollback failed: rule(s) ${ruleIds(left).join(', ')} are still in the zone and the site is marked for reconciliation.`
        : owned.length
          ? `The ${owned.length} rule(s) already created were removed; the site is out of maintenance.`
          : 'Nothing was changed in Cloudflare; the site is out of maintenance.';
      throw await this.fail(log, started, error, `Enabling maintenance on ${site.domain} failed at step "${step}"`, aftermath, owned);
    }
  }

  async disableMaintenance(site: CloudflareSite, actor: string): Promise<MaintenanceResult> {
    const zoneId = this.requireZone(site);
    const subject: LogSubject = { siteId: site.id, domain: site.domain, action: 'disable', actor };

    const claim = await this.claim(site, ['on', 'needs_reconcile'], 'disabling', 'off');
    if ('settled' in claim) return this.skip(subject, `${site.domain} is not in maintenance; nothing changed.`);

    const log = await this.logs.start(subject);
    const started = performance.now();
    let remaining = claim.site.maintenanceRules;
    let step = 'read the API key';
    try {
      const token = await this.apiKeys.tokenFor(site.apiKeyId);
      step = 'list the Page Rules';
      const zoneRules = await this.gateway.listPageRules(token, zoneId);
      const forwardUrl = this.redirectUrlIfKnown(claim.site);
      const ours = findOwnedRules(claim.site, forwardUrl, claim.site.maintenanceRules, zoneRules);
      remaining = ours;
      for (const [index, rule] of ours.entries()) {
        step = `delete rule ${index + 1} of ${ours.length} (${rule.target})`;
        await this.gateway.deletePageRule(token, zoneId, rule.id);
        remaining = ours.slice(index + 1);
        await this.state.recordRules(site.id, remaining);
      }
      await this.state.settle(site.id, 'off', []);
      await this.apiKeys.markUsed(site.apiKeyId);
      const done = await this.logs.complete(log, {
        outcome: 'success',
        durationMs: performance.now() - started,
        ruleIds: ruleIds(ours),
      });
      return { domain: site.domain, outcome: 'success', message: `${site.domain} is out of maintenance.`, log: done };
    } catch (error) {
      await this.state.settle(site.id, 'on', remaining);
      const aftermath = `The site is still in maintenance with rule(s) ${ruleIds(remaining).join(', ') || '(none)'}; run disable again.`;
      throw await this.fail(log, started, error, `Disabling maintenance on ${site.domain} failed at step "${step}"`, aftermath, remaining);
    }
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
  ): Promise<Claim> {
    const deadline = Date.now() + WAIT_FOR_OTHER_MS;
    for (;;) {
      const claimed = await this.state.claim(site.id, from, to);
      if (claimed) return { site: claimed };
      const current = await this.state.find(site.id);
      if (!current) throw new ValidationError(`${site.domain} was removed.`);
      if (current.maintenanceState === goal || current.maintenanceState === 'needs_reconcile') return { settled: current };
      if (current.maintenanceState === 'off' || current.maintenanceState === 'on') continue;
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

  /** Deletes what it can and returns the rules that could not be deleted. */
  private async removeRules(token: string, zoneId: string, rules: OwnedRule[]): Promise<OwnedRule[]> {
    const left: OwnedRule[] = [];
    for (const rule of [...rules].reverse()) {
      try {
        await this.gateway.deletePageRule(token, zoneId, rule.id);
      } catch {
        left.push(rule);
      }
    }
    return left;
  }

  private async fail(
    log: MaintenanceLog,
    started: number,
    error: unknown,
    what: string,
    aftermath: string,
    rules: OwnedRule[],
  ): Promise<AppError> {
    const reason = error instanceof Error ? error.message : String(error);
    const message = `${what}: ${reason} ${aftermath}`;
    const done = await this.logs.complete(log, {
      outcome: 'failed',
      durationMs: performance.now() - started,
      ruleIds: ruleIds(rules),
      errorCode: error instanceof CloudflareApiError ? error.code : error instanceof AppError ? error.kind : null,
      errorMessage: message,
    });
    return new MaintenanceFailedError(message, done, error);
  }

  private requireZone(site: CloudflareSite): string {
    if (!site.zoneId) {
      throw new ValidationError(`${site.domain} has no Cloudflare zone id; add it again with --zone-id, or sync it from Cloudflare.`);
    }
    return site.zoneId;
  }

  private redirectUrlIfKnown(site: CloudflareSite): string | undefined {
    try {
      return maintenanceRedirectUrl(site, this.config.PUBLIC_URL);
    } catch {
      return undefined;
    }
  }
}

function ruleIds(rules: OwnedRule[]): string[] {
  return rules.map((rule) => rule.id);
}
