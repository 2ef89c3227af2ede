import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import type { CloudflareSite, OwnedRule } from '../sites/cloudflare-site.entity.js';
import { SiteAccessResolver } from '../sites/site-access.js';
import { engineNeedsForwardUrl } from '../sites/site-engine.js';
import type { Settlement } from '../sites/site.repository.js';
import type { Drift, ZoneRule } from './engines/maintenance-engine.js';
import { sharedSyncFailure } from './shared-sync-failure.js';
import { ruleIds } from './owned-rules.js';
import { forwardUrlFor, redirectUrlIfKnown } from './redirect-url.js';
import { TransitionFailedError } from './transition-failed.error.js';
import type { TransitionDone } from './transition-runner.js';
import { TransitionRunner } from './transition-runner.js';

export type Repair = 'recreate' | 'mark_out' | 'remove_orphans' | 'clean_out' | 'forget_zone';

export interface ReconcileResult {
  domain: string;
  outcome: 'in_sync' | 'repaired' | 'would_repair' | 'reported' | 'busy' | 'failed';
  drift: Drift[];
  repair?: Repair;
  message: string;
}

export interface PlannedRepair {
  kind: Repair;
  because: string;
}

const REPAIR_DESCRIPTIONS: Record<Repair, string> = {
  recreate: 're-create the missing rules (the site is still meant to be in maintenance)',
  mark_out: 'remove what is left and mark the site out of maintenance',
  remove_orphans: 'remove our rules left in the zone',
  clean_out: 'finish the interrupted work: remove our rules and mark the site out of maintenance',
  forget_zone: 'mark the site out of maintenance (its zone was deleted from Cloudflare, and our rules with it)',
};

export function describeRepair(repair: PlannedRepair): string {
  return `${REPAIR_DESCRIPTIONS[repair.kind]}${repair.because}`;
}

/** Carries out one reconcile repair as a transition (claimed, audited, settled, the key marked used). */
@Injectable()
export class ReconcileRepair {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly runner: TransitionRunner,
    private readonly access: SiteAccessResolver,
  ) {}

  choose(site: CloudflareSite): PlannedRepair {
    if (site.maintenanceState === 'off') return { kind: 'remove_orphans', because: '' };
    if (site.maintenanceState !== 'on') return { kind: 'clean_out', because: '' };
    if (!site.isActive) return { kind: 'mark_out', because: ', because the site is marked inactive' };
    if (engineNeedsForwardUrl(site.engine) && !redirectUrlIfKnown(site, this.config.PUBLIC_URL)) return { kind: 'mark_out', because: ', because the site has no maintenance URL and PUBLIC_URL is unset' };
    return { kind: 'recreate', because: '' };
  }

  async execute(site: CloudflareSite, repair: PlannedRepair, why: string, drift: Drift[], zoneRules: ZoneRule[], actor: string): Promise<ReconcileResult> {
    const plan = describeRepair(repair);
    const subject = { siteId: site.id, domain: site.domain, action: 'reconcile' as const, actor, reason: `${plan}; found: ${why}` };
    const to = repair.kind === 'recreate' ? 'enabling' : 'disabling';
    const claimed = await this.runner.claimOnce(site, [site.maintenanceState], to, subject, site.claimedBy);
    if (!claimed) return { domain: site.domain, outcome: 'busy', drift, message: 'another operation took the site meanwhile' };
    const oursInZone: OwnedRule[] = zoneRules.filter((rule) => rule.ours).map(({ id, target }) => ({ id, target }));
    let settlement: Settlement | undefined;
    try {
      await this.runner.run(claimed, {
        what: 'reconcile',
        work: async ({ site: current, engine, client, progress, record, removeEach, syncShared }): Promise<TransitionDone> => {
          if (repair.kind === 'forget_zone') return { settlement: { siteId: site.id, state: 'off', rules: [] }, ruleIds: [] };
          if (repair.kind === 'recreate') {
            progress.step = 'remove inactive rules of ours';
            const inactive = zoneRules.filter((rule) => rule.ours && rule.status !== 'active').map(({ id, target }) => ({ id, target }));
            const stuckInactive = await removeEach(inactive);
            if (stuckInactive.length) throw new Error(`could not remove inactive rule(s) ${ruleIds(stuckInactive).join(', ')}`);
            const forwardUrl = forwardUrlFor(current, this.config.PUBLIC_URL);
            const finalRules = await engine.apply(client, current, forwardUrl, this.access.resolve(current), progress, record);
            progress.step = 'remove duplicate rules of ours';
            const extra = oursInZone.filter((rule) => !inactive.some((gone) => gone.id === rule.id) && !finalRules.some((kept) => kept.id === rule.id));
            finalRules.push(...(await removeEach(extra)));
            return { settlement: { siteId: site.id, state: 'on', rules: finalRules }, ruleIds: ruleIds(finalRules) };
          }
          progress.step = 'remove our rules';
          const targets = [...new Map([...current.maintenanceRules, ...oursInZone].map((rule) => [rule.id, rule])).values()];
          const left = await removeEach(repair.kind === 'remove_orphans' ? oursInZone : targets);
          if (left.length) {
            settlement = { siteId: site.id, state: 'needs_reconcile', rules: left };
            throw new Error(`could not remove rule(s) ${ruleIds(left).join(', ')}`);
          }
          const unshared = await sharedSyncFailure(() => syncShared(current, { leaving: true }));
          return { settlement: { siteId: site.id, state: 'off', rules: [] }, ruleIds: ruleIds(targets), failure: unshared ?? undefined };
        },
        rollback: async ({ progress }) => ({
          settlement: settlement ?? { siteId: site.id, state: 'needs_reconcile', rules: [...claimed.site.maintenanceRules, ...progress.created] },
          ruleIds: ruleIds(progress.created),
          aftermath: '',
        }),
      });
    } catch (error) {
      if (!(error instanceof TransitionFailedError)) throw error;
      return { domain: site.domain, outcome: 'failed', drift, repair: repair.kind, message: error.message };
    }
    return { domain: site.domain, outcome: 'repaired', drift, repair: repair.kind, message: `${plan}: done (found: ${why})` };
  }
}
