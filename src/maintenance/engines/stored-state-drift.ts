import type { MaintenanceState, OwnedRule } from '../../sites/cloudflare-site.entity.js';
import type { Drift } from './maintenance-engine.js';

/**
 * The drift every engine reports from the stored state alone, without reading the zone: a rollback that
 * left rules behind (needs_reconcile), or a transition whose process is gone (`claimAbandoned`).
 */
export function storedStateDrift(site: { maintenanceState: MaintenanceState; maintenanceRules: OwnedRule[] }, claimAbandoned: boolean): Drift[] {
  if (site.maintenanceState === 'needs_reconcile') {
    const left = site.maintenanceRules.map((rule) => rule.id);
    const message = left.length
      ? `a failed rollback left rule(s) ${left.join(', ')}`
      : 'a failed operation could not tell whether rules of ours are left in the zone (none recorded)';
    return [{ kind: 'needs_reconcile', message }];
  }
  if (claimAbandoned && (site.maintenanceState === 'enabling' || site.maintenanceState === 'disabling')) {
    return [{ kind: 'interrupted', message: `an operation (${site.maintenanceState}) was interrupted before it finished` }];
  }
  return [];
}
