import { AppError } from '../common/errors.js';
import type { CloudflareSite } from '../sites/cloudflare-site.entity.js';
import { assertNoRedirectLoop } from '../sites/redirect-loop.js';
import { maintenanceRedirectUrl, maintenanceTargets } from './maintenance-targets.js';

export type BulkAction = 'enable' | 'disable' | 'sync';
export type BulkOutcome = 'done' | 'skipped' | 'failed';

export interface SiteOutcome {
  outcome: BulkOutcome;
  message: string;
  errorCode?: string;
}

/**
 * What a bulk action would do to one site, judged from the stored state only (a dry run calls neither
 * Cloudflare nor writes anything). The checks and their order follow MaintenanceService, so that a
 * site the dry run calls failed is one the real run refuses; the zone's quota and rules are only
 * known to the real run.
 */
export function planSite(action: BulkAction, site: CloudflareSite, publicUrl: string | undefined): SiteOutcome {
  if (action === 'sync') return { outcome: 'done', message: `${site.domain}: would refresh the zone's facts from Cloudflare.` };
  if (action === 'enable') return planEnable(site, publicUrl);
  return planDisable(site);
}

function planEnable(site: CloudflareSite, publicUrl: string | undefined): SiteOutcome {
  if (!site.isActive) return wouldFail(site, 'validation', 'it is marked inactive; activate it before enabling maintenance.');
  let forwardUrl: string;
  try {
    forwardUrl = maintenanceRedirectUrl(site, publicUrl);
    assertNoRedirectLoop(site, publicUrl);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return wouldFail(site, error.kind, error.message);
  }
  if (!site.zoneId) return wouldFail(site, 'validation', 'it has no Cloudflare zone id.');
  const create = `create ${maintenanceTargets(site).join(', ')} forwarding to ${forwardUrl}`;
  switch (site.maintenanceState) {
    case 'on':
      return { outcome: 'skipped', message: `${site.domain} is already in maintenance; nothing would change.` };
    case 'enabling':
      return { outcome: 'skipped', message: `${site.domain} is being put into maintenance by another operation.` };
    case 'needs_reconcile':
      return wouldFail(site, 'conflict', 'it needs reconciliation first (rules were left by a failed rollback).');
    case 'disabling':
      return { outcome: 'done', message: `${site.domain}: would enable maintenance once the running disable ends: ${create}.` };
    case 'off':
      return { outcome: 'done', message: `${site.domain}: would enable maintenance: ${create}.` };
  }
}

function planDisable(site: CloudflareSite): SiteOutcome {
  if (!site.zoneId) return wouldFail(site, 'validation', 'it has no Cloudflare zone id.');
  const rules = site.maintenanceRules.map((rule) => `${rule.target} (${rule.id})`).join(', ') || 'our rules found by pattern';
  switch (site.maintenanceState) {
    case 'off':
      return { outcome: 'skipped', message: `${site.domain} is not in maintenance; nothing would change.` };
    case 'disabling':
      return { outcome: 'skipped', message: `${site.domain} is being taken out of maintenance by another operation.` };
    case 'enabling':
      return { outcome: 'done', message: `${site.domain}: would disable maintenance once the running enable ends.` };
    case 'on':
    case 'needs_reconcile':
      return { outcome: 'done', message: `${site.domain}: would disable maintenance: delete ${rules}.` };
  }
}

function wouldFail(site: CloudflareSite, errorCode: string, why: string): SiteOutcome {
  return { outcome: 'failed', message: `${site.domain}: would fail: ${why}`, errorCode };
}
