import { Inject, Injectable } from '@nestjs/common';
import type { KeyBoundClient } from '../cloudflare/key-bound-client.js';
import { ConflictError } from '../common/errors.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { LogsService, type LogSubject } from '../logs/logs.service.js';
import type { CloudflareSite, OwnedRule } from '../sites/cloudflare-site.entity.js';
import { SiteAccessResolver } from '../sites/site-access.js';
import type { SiteEngine } from '../sites/site-engine.js';
import { type RuleSettings, SiteRepository } from '../sites/site.repository.js';
import { assertCanEnable } from './enable-preconditions.js';
import { EngineSelector } from './engines/engine-selector.js';
import { type MaintenanceResult, type MaintenanceStatus, statusOf } from './maintenance-result.js';
import { removeForDisable, type RemovalState } from './disable-removal.js';
import { distinctRules, requireZone, ruleIds } from './owned-rules.js';
import { forwardUrlFor, redirectUrlIfKnown } from './redirect-url.js';
import type { MaintenanceEngine } from './engines/maintenance-engine.js';
import { sharedSyncFailure } from './shared-sync-failure.js';
import { TransitionRunner } from './transition-runner.js';

/** Enable, disable and settings changes of one site, each a short call to the transition runner. */
@Injectable()
export class MaintenanceService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly logs: LogsService,
    private readonly sites: SiteRepository,
    private readonly runner: TransitionRunner,
    private readonly access: SiteAccessResolver,
    private readonly engines: EngineSelector,
  ) {}

  async getStatus(site: CloudflareSite): Promise<MaintenanceStatus> {
    return statusOf((await this.sites.find(site.id)) ?? site);
  }

  async enableMaintenance(site: CloudflareSite, reason: string | null, actor: string): Promise<MaintenanceResult> {
    assertCanEnable(site, this.config.PUBLIC_URL);
    const forwardUrl = forwardUrlFor(site, this.config.PUBLIC_URL);
    const subject: LogSubject = { siteId: site.id, domain: site.domain, action: 'enable', actor, reason };
    const claim = await this.runner.claimOrWait(site, ['off'], 'enabling', 'on', subject);
    if ('settled' in claim) {
      if (claim.settled.maintenanceState === 'needs_reconcile') {
        const left = ruleIds(claim.settled.maintenanceRules);
        const what = left.length
          ? `rules ${left.join(', ')} were left in the zone by a failed rollback`
          : 'a failed operation could not tell whether rules of ours are left in the zone';
        throw new ConflictError(`${site.domain} needs reconciliation: ${what}. Run \`maintenance disable ${site.domain}\` to clean up, then enable again.`);
      }
      return this.skip(subject, `${site.domain} is already in maintenance; nothing changed.`);
    }

    let notes: string[] = [];
    const log = await this.runner.run(claim.claimed, {
      what: `Enabling maintenance on ${site.domain}`,
      work: async ({ site: claimed, engine, client, progress, record }) => {
        const access = this.access.resolve(claimed);
        notes = engine.notes(claimed, access, forwardUrl);
        const owned = await engine.apply(client, claimed, forwardUrl, access, progress, record);
        notes.push(...(progress.notes ?? []));
        return { settlement: { siteId: site.id, state: 'on', rules: owned, reason }, ruleIds: ruleIds(owned) };
      },
      rollback: async ({ progress, removeEach, syncShared }) => {
        const owned = [...progress.adopted, ...progress.created];
        const left = await removeEach(owned);
        // While rules are left they may still need the shared parts (the worker script) to hold the site.
        const unshared = left.length ? null : await sharedSyncFailure(() => syncShared(claim.claimed.site, { leaving: true }));
        const aftermath = left.length
          ? `Rollback failed: rule(s) ${ruleIds(left).join(', ')} are still in the zone and the site is marked for reconciliation.`
          : owned.length
            ? `The ${owned.length} rule(s) already created were removed; the site is out of maintenance.`
            : 'Nothing was changed in Cloudflare; the site is out of maintenance.';
        return {
          settlement: { siteId: site.id, state: left.length ? 'needs_reconcile' : 'off', rules: left },
          ruleIds: ruleIds(owned),
          aftermath: [aftermath, unshared].filter(Boolean).join(' '),
        };
      },
    });
    return { domain: site.domain, outcome: 'success', message: [`${site.domain} is in maintenance.`, ...notes].join(' '), log };
  }

  /**
   * Applies new rule settings (subdomain mode, subdomains, maintenance URL, engine, bypass and
   * exclusions) to a site in maintenance: the new rules are created (or ours rewritten) first, then the
   * old ones removed, so the site never has a gap, not even when the engine changes; if the new rules
   * cannot all be created they are removed again and nothing changes. `next` is the site as it will be
   * saved (its access settings included); `settings` and `engine` are saved with the rules.
   */
  async changeRuleSettings(
    site: CloudflareSite,
    settings: RuleSettings,
    actor: string,
    next: CloudflareSite = { ...site, ...settings } as CloudflareSite,
  ): Promise<MaintenanceResult> {
    const forwardUrl = forwardUrlFor(next, this.config.PUBLIC_URL);
    const nextEngine = this.engines.for(next);
    const engineChange: SiteEngine | undefined = next.engine !== site.engine ? next.engine : undefined;
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
    let bound: KeyBoundClient | undefined;
    let notes: string[] = [];
    const log = await this.runner.run(claimed, {
      what: engineChange ? `Switching ${site.domain} to the ${engineChange} engine` : `Changing the rules of ${site.domain}`,
      work: async ({ client, progress, record, removeEach, syncShared }) => {
        bound = client;
        const access = this.access.resolve(next);
        notes = nextEngine.notes(next, access, forwardUrl);
        const current = { ...next, maintenanceRules: engineChange ? [] : previous } as CloudflareSite;
        const kept = await nextEngine.apply(client, current, forwardUrl, access, progress, (rules) => record(distinctRules([...previous, ...rules])));
        notes.push(...(progress.notes ?? []));
        // The old engine's rules (removeEach is the claimed site's engine) go only once the new ones are in place.
        progress.step = 'remove the rules the new settings no longer need';
        const obsolete = previous.filter((rule) => !kept.some((keep) => keep.id === rule.id));
        const leftovers = await removeEach(obsolete);
        const oldEngines = this.engines.usedBy(claimed.site).filter((engine) => engine !== nextEngine);
        const unshared = engineChange && !leftovers.length ? await sharedSyncFailure(() => syncShared(claimed.site, { leaving: true, engines: oldEngines })) : null;
        const settlement = { siteId: site.id, state: 'on' as const, rules: [...kept, ...leftovers], settings, engine: engineChange };
        const failure = leftovers.length
          ? `The new rules of ${site.domain} are active, but old rule(s) ${ruleIds(leftovers).join(', ')} could not be removed; ` +
            'they stay recorded with the site and are removed when maintenance is disabled.'
          : (unshared ?? undefined);
        return { settlement, ruleIds: ruleIds(kept), failure };
      },
      rollback: async ({ progress, syncShared }) => {
        const left = await this.removeWith(nextEngine, bound, claimed.site, progress.created);
        // A new engine's shared parts lose the site again; the same engine's go back to the stored settings.
        const unshared = left.length ? null : await sharedSyncFailure(() => syncShared(claimed.site, { leaving: Boolean(engineChange), engines: [nextEngine] }));
        const aftermath = [
          left.length
            ? `Rollback failed: new rule(s) ${ruleIds(left).join(', ')} are still in the zone; the site is marked for reconciliation.`
            : 'The previous rules and settings are unchanged; the site is still in maintenance.',
          unshared,
        ]
          .filter(Boolean)
          .join(' ');
        const settlement = { siteId: site.id, state: left.length ? ('needs_reconcile' as const) : ('on' as const), rules: [...previous, ...left] };
        return { settlement, ruleIds: ruleIds(progress.created), aftermath };
      },
    });
    const done = engineChange ? `${site.domain}: now on the ${engineChange} engine, its previous rules removed.` : `${site.domain}: rules updated for the new settings.`;
    return { domain: site.domain, outcome: 'success', message: [done, ...notes].join(' '), log };
  }

  /** Rollback of a settings change: the new engine's rules, by the new engine; returns those left. */
  private async removeWith(engine: MaintenanceEngine, client: KeyBoundClient | undefined, site: CloudflareSite, rules: OwnedRule[]): Promise<OwnedRule[]> {
    if (!client) return rules;
    const left: OwnedRule[] = [];
    for (const rule of [...rules].reverse()) {
      try {
        await engine.remove(client, requireZone(site), rule);
      } catch {
        left.push(rule);
      }
    }
    return left;
  }

  async disableMaintenance(site: CloudflareSite, actor: string): Promise<MaintenanceResult> {
    requireZone(site);
    const subject: LogSubject = { siteId: site.id, domain: site.domain, action: 'disable', actor };
    const claim = await this.runner.claimOrWait(site, ['on', 'needs_reconcile'], 'disabling', 'off', subject);
    if ('settled' in claim) return this.skip(subject, `${site.domain} is not in maintenance; nothing changed.`);

    const removal: RemovalState = { remaining: claim.claimed.site.maintenanceRules };
    const log = await this.runner.run(claim.claimed, {
      what: `Disabling maintenance on ${site.domain}`,
      work: async ({ site: claimed, zoneId, engine, client, progress, record, syncShared }) => {
        const dealtWith = await removeForDisable({
          stored: claimed.maintenanceRules,
          list: (listing) => engine.findOurs(client, claimed, redirectUrlIfKnown(claimed, this.config.PUBLIC_URL), listing),
          // Rules another engine made (left recorded by an engine switch whose clean-up failed) are deleted by it.
          remove: (rule) => this.engines.forRule(rule).remove(client, zoneId, rule),
          record,
          progress,
          state: removal,
        });
        const unshared = await sharedSyncFailure(() => syncShared(claimed, { leaving: true }));
        return {
          settlement: { siteId: site.id, state: 'off', rules: [] },
          ruleIds: ruleIds(dealtWith),
          failure: unshared ? `${site.domain} is out of maintenance. ${unshared}` : undefined,
        };
      },
      rollback: async () => {
        const { remaining } = removal;
        if (remaining.length) {
          return {
            settlement: { siteId: site.id, state: 'on', rules: remaining },
            ruleIds: ruleIds(remaining),
            aftermath: `The site is still in maintenance with rule(s) ${ruleIds(remaining).join(', ')}; run disable again.`,
          };
        }
        // Nothing recorded is left, but a rule of ours whose id was lost may be: only a listing of the zone can tell.
        return {
          settlement: { siteId: site.id, state: 'needs_reconcile', rules: [] },
          ruleIds: [],
          aftermath: 'No rule of ours is recorded as left, but the zone could not be checked for one whose id was lost; the site is marked for reconciliation: run disable again.',
        };
      },
    });
    return { domain: site.domain, outcome: 'success', message: `${site.domain} is out of maintenance.`, log };
  }

  private async skip(subject: LogSubject, message: string): Promise<MaintenanceResult> {
    const log = await this.logs.skipped(subject, message);
    return { domain: subject.domain, outcome: 'skipped', message, log };
  }
}

