import type { MaintenanceState, OwnedRule } from '../../sites/cloudflare-site.entity.js';
import type { Drift } from './maintenance-engine.js';

/**
 * The drift every engine reports from the stored state alone, without reading the zone: a rollback that
 * left rules behind (needs_reconcile), or a transition whose process is gone (`claimAbandoned`).
 */
export function storedStateDrift(site: { maintenanceState: MaintenanceState; maintenanceRules: OwnedRule[] }, claimAbandoned: boolean): Drift[] {
  if (site.maintenanceState === 'needs_reconcile') {
    return [{ kind: 'needs_reconcile', message: `a failed rollback left rule(s) ${site.maintenanceRules.map((rule) => rule.id).join(', ') || '(none recorded)'}` }];
  }
  if (claimAbandoned && (site.maintenanceState === 'enabling' || site.maintenanceState === 'disabling')) {
    return [{ kind: 'interrupted', message: `an operation (${site.maintenanceState}) was interrupted before it finished` }];
  }
  return [];
}
