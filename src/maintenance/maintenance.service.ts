import { Inject, Injectable } from '@nestjs/common';
import { ConflictError } from '../common/errors.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { LogsService, type LogSubject } from '../logs/logs.service.js';
import type { CloudflareSite, OwnedRule } from '../sites/cloudflare-site.entity.js';
import { type RuleSettings, SiteRepository } from '../sites/site.repository.js';
import { assertCanEnable } from './enable-preconditions.js';
import { type MaintenanceResult, type MaintenanceStatus, statusOf } from './maintenance-result.js';
import { distinctRules, requireZone, ruleIds } from './owned-rules.js';
import { maintenanceRedirectUrl, redirectUrlIfKnown } from './redirect-url.js';
import { TransitionRunner } from './transition-runner.js';

/** Enable, disable and settings changes of one site, each a short call to the transition runner. */
@Injectable()
export class MaintenanceService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly logs: LogsService,
    private readonly sites: SiteRepository,
    private readonly runner: TransitionRunner,
  ) {}

  async getStatus(site: CloudflareSite): Promise<MaintenanceStatus> {
    return statusOf((await this.sites.find(site.id)) ?? site);
  }

  async enableMaintenance(site: CloudflareSite, reason: string | null, actor: string): Promise<MaintenanceResult> {
    assertCanEnable(site, this.config.PUBLIC_URL);
    const forwardUrl = maintenanceRedirectUrl(site, this.config.PUBLIC_URL);
    const subject: LogSubject = { siteId: site.id, domain: site.domain, action: 'enable', actor, reason };
    const claim = await this.runner.claimOrWait(site, ['off'], 'enabling', 'on', subject);
    if ('settled' in claim) {
      if (claim.settled.maintenanceState === 'needs_reconcile') {
        throw new ConflictError(
          `${site.domain} needs reconciliation: rules ${ruleIds(claim.settled.maintenanceRules).join(', ')} were left in the ` +
            `zone by a failed rollback. Run \`maintenance disable ${site.domain}\` to clean up, then enable again.`,
        );
      }
      return this.skip(subject, `${site.domain} is already in maintenance; nothing changed.`);
    }

    const log = await this.runner.run(claim.claimed, {
      what: `Enabling maintenance on ${site.domain}`,
      work: async ({ site: claimed, engine, client, progress, record }) => {
        const owned = await engine.apply(client, claimed, forwardUrl, progress, record);
        return { settlement: { siteId: site.id, state: 'on', rules: owned, reason }, ruleIds: ruleIds(owned) };
      },
      rollback: async ({ progress, removeEach }) => {
        const owned = [...progress.adopted, ...progress.created];
        const left = await removeEach(owned);
        const aftermath = left.length
          ? `Rollback failed: rule(s) ${ruleIds(left).join(', ')} are still in the zone and the site is marked for reconciliation.`
          : owned.length
            ? `The ${owned.length} rule(s) already created were removed; the site is out of maintenance.`
            : 'Nothing was changed in Cloudflare; the site is out of maintenance.';
        return { settlement: { siteId: site.id, state: left.length ? 'needs_reconcile' : 'off', rules: left }, ruleIds: ruleIds(owned), aftermath };
      },
    });
    return { domain: site.domain, outcome: 'success', message: `${site.domain} is in maintenance.`, log };
  }

  /**
   * Applies new rule settings (subdomain mode, subdomains, maintenance URL) to a site in maintenance:
   * the new rules are created first, then the old ones removed, so the site never has a gap; if the
   * new rules cannot all be created they are removed again and nothing changes.
   */
  async changeRuleSettings(site: CloudflareSite, settings: RuleSettings, actor: string): Promise<MaintenanceResult> {
    const next = { ...site, ...settings } as CloudflareSite;
    const forwardUrl = maintenanceRedirectUrl(next, this.config.PUBLIC_URL);
    requireZone(site);
    const claimed = await this.runner.claimOnce(site, ['on'], 'enabling', {
      siteId: site.id,
      domain: site.domain,
      action: 'enable',
      actor,
      reason: 'rules re-applied after a settings change',
    });
    if (!claimed) {
      throw new ConflictError(`${site.domain} is no longer simply in maintenance (another operation is running); try again.`);
    }
    const previous = claimed.site.maintenanceRules;
    const log = await this.runner.run(claimed, {
      what: `Changing the rules of ${site.domain}`,
      work: async ({ engine, client, progress, record, removeEach }) => {
        const kept = await engine.apply(client, next, forwardUrl, progress, (rules) => record(distinctRules([...previous, ...rules])));
        const obsolete = previous.filter((rule) => !kept.some((keep) => keep.id === rule.id));
        const leftovers = await removeEach(obsolete);
        const settlement = { siteId: site.id, state: 'on' as const, rules: [...kept, ...leftovers], settings };
        const failure = leftovers.length
          ? `The new rules of ${site.domain} are active, but old rule(s) ${ruleIds(leftovers).join(', ')} could not be removed; ` +
            'they stay recorded with the site and are removed when maintenance is disabled.'
          : undefined;
        return { settlement, ruleIds: ruleIds(kept), failure };
      },
      rollback: async ({ progress, removeEach }) => {
        const left = await removeEach(progress.created);
        const aftermath = left.length
          ? `Rollback failed: new rule(s) ${ruleIds(left).join(', ')} are still in the zone; the site is marked for reconciliation.`
          : 'The previous rules and settings are unchanged; the site is still in maintenance.';
        const settlement = { siteId: site.id, state: left.length ? ('needs_reconcile' as const) : ('on' as const), rules: [...previous, ...left] };
        return { settlement, ruleIds: ruleIds(progress.created), aftermath };
      },
    });
    return { domain: site.domain, outcome: 'success', message: `${site.domain}: rules updated for the new settings.`, log };
  }

  async disableMaintenance(site: CloudflareSite, actor: string): Promise<MaintenanceResult> {
    requireZone(site);
    const subject: LogSubject = { siteId: site.id, domain: site.domain, action: 'disable', actor };
    const claim = await this.runner.claimOrWait(site, ['on', 'needs_reconcile'], 'disabling', 'off', subject);
    if ('settled' in claim) return this.skip(subject, `${site.domain} is not in maintenance; nothing changed.`);

    let remaining: OwnedRule[] = claim.claimed.site.maintenanceRules;
    const log = await this.runner.run(claim.claimed, {
      what: `Disabling maintenance on ${site.domain}`,
      work: async ({ site: claimed, zoneId, engine, client, progress, record }) => {
        const ours = await engine.findOurs(client, claimed, redirectUrlIfKnown(claimed, this.config.PUBLIC_URL), progress);
        remaining = ours;
        for (const [index, rule] of ours.entries()) {
          progress.step = `delete rule ${index + 1} of ${ours.length} (${rule.target})`;
          await engine.remove(client, zoneId, rule);
          remaining = ours.slice(index + 1);
          // After the last one, settling the site records that none is left, in the same transaction as the audit row.
          if (remaining.length > 0) await record(remaining);
        }
        return { settlement: { siteId: site.id, state: 'off', rules: [] }, ruleIds: ruleIds(ours) };
      },
      rollback: async () => ({
        settlement: { siteId: site.id, state: 'on', rules: remaining },
        ruleIds: ruleIds(remaining),
        aftermath: `The site is still in maintenance with rule(s) ${ruleIds(remaining).join(', ') || '(none)'}; run disable again.`,
      }),
    });
    return { domain: site.domain, outcome: 'success', message: `${site.domain} is out of maintenance.`, log };
  }

  private async skip(subject: LogSubject, message: string): Promise<MaintenanceResult> {
    const log = await this.logs.skipped(subject, message);
    return { domain: subject.domain, outcome: 'skipped', message, log };
  }
}
