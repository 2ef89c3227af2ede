import type { PageRuleRecord } from '../../../cloudflare/response-schemas.js';
import type { MaintenanceState, OwnedRule } from '../../../sites/cloudflare-site.entity.js';
import type { SiteRuleSettings } from '../../redirect-url.js';
import type { Drift } from '../maintenance-engine.js';
import { storedStateDrift } from '../stored-state-drift.js';
import { equivalentTarget, maintenanceTargets } from './page-rule-targets.js';
import { findOwnedRules } from './rule-plan.js';

export interface SiteSnapshot extends SiteRuleSettings {
  maintenanceState: MaintenanceState;
  maintenanceRules: OwnedRule[];
}

function describe(rule: PageRuleRecord): string {
  return `${rule.id} (${rule.targets[0]?.constraint.value ?? '?'})`;
}

/**
 * How the rules actually in the zone differ from what we stored (docs/promises.md#the-truth-is-in-cloudflare). `claimAbandoned`:
 * the site is in a transitional state whose process is gone or whose claim went stale.
 */
export function detectDrift(
  site: SiteSnapshot,
  forwardUrl: string | undefined,
  zoneRules: PageRuleRecord[],
  claimAbandoned: boolean,
): Drift[] {
  const ours = findOwnedRules(site, forwardUrl, site.maintenanceRules, zoneRules);
  const inZone = new Map(zoneRules.map((rule) => [rule.id, rule]));
  const stored = new Set(site.maintenanceRules.map((rule) => rule.id));
  const drift: Drift[] = [];

  switch (site.maintenanceState) {
    case 'on': {
      for (const rule of site.maintenanceRules) {
        if (!inZone.has(rule.id)) {
          drift.push({ kind: 'rule_missing', ruleId: rule.id, message: `rule ${rule.id} (${rule.target}) is no longer in the zone (deleted by hand?)` });
        }
      }
      if (site.maintenanceRules.length === 0 && ours.length === 0) {
        drift.push({ kind: 'rule_missing', message: 'the site is marked in maintenance but the zone holds none of its rules' });
      } else {
        drift.push(...uncovered(site, ours, drift));
      }
      for (const rule of ours) {
        const record = inZone.get(rule.id)!;
        if (!stored.has(rule.id)) drift.push({ kind: 'rule_orphaned', ruleId: rule.id, message: `rule ${describe(record)} is ours but not recorded` });
        if (record.status !== 'active') {
          drift.push({ kind: 'rule_inactive', ruleId: rule.id, message: `rule ${describe(record)} is ${record.status}` });
        }
        const above = zoneRules.filter((other) => other.status === 'active' && other.priority > record.priority && !ours.some((own) => own.id === other.id));
        if (above.length) {
          drift.push({
            kind: 'rule_outranked',
            ruleId: rule.id,
            message: `rule ${describe(record)} is outranked by ${above.map(describe).join(', ')}, which win where they match`,
          });
        }
      }
      break;
    }
    case 'off':
      for (const rule of ours) {
        drift.push({ kind: 'rule_orphaned', ruleId: rule.id, message: `rule ${describe(inZone.get(rule.id)!)} is ours but the site is out of maintenance (left by a crash?)` });
      }
      break;
    default:
      drift.push(...storedStateDrift(site, claimAbandoned));
  }
  return drift;
}

/**
 * Each target the settings need that no rule of ours in the zone covers (a disable stopped half-way
 * leaves the site on with only some of them), unless a stored rule of that target is already reported missing.
 */
function uncovered(site: SiteSnapshot, ours: OwnedRule[], reported: Drift[]): Drift[] {
  const covered = new Set(ours.map((rule) => rule.target));
  const missingStored = new Set(reported.flatMap((entry) => site.maintenanceRules.filter((rule) => rule.id === entry.ruleId).map((rule) => rule.target)));
  return maintenanceTargets(site)
    .filter((target) => ![target, equivalentTarget(target)].some((candidate) => covered.has(candidate) || missingStored.has(candidate)))
    .map((target) => ({ kind: 'rule_missing' as const, message: `no rule of ours covers ${target}, which the site's settings need` }));
}
