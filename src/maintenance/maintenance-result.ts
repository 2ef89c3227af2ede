import type { MaintenanceLog } from '../logs/maintenance-log.entity.js';
import type { CloudflareSite, MaintenanceState, OwnedRule } from '../sites/cloudflare-site.entity.js';

export interface MaintenanceResult {
  domain: string;
  /** success: rules changed; skipped: the site was already in the asked state. Failures throw. */
  outcome: 'success' | 'skipped';
  message: string;
  log: MaintenanceLog;
}

export interface MaintenanceStatus {
  domain: string;
  state: MaintenanceState;
  inMaintenance: boolean;
  since: Date | null;
  reason: string | null;
  rules: OwnedRule[];
}

export function statusOf(site: CloudflareSite): MaintenanceStatus {
  return {
    domain: site.domain,
    state: site.maintenanceState,
    inMaintenance: site.maintenanceState === 'on',
    since: site.maintenanceSince,
    reason: site.maintenanceReason,
    rules: site.maintenanceRules,
  };
}
