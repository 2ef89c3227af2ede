import type { CloudflareSite } from '../sites/cloudflare-site.entity.js';
import type { SiteAccess } from '../sites/site-access.js';
import { enableRefusal } from './enable-preconditions.js';
import type { MaintenanceEngine } from './engines/maintenance-engine.js';
import { forwardUrlFor } from './redirect-url.js';

export type BulkAction = 'enable' | 'disable' | 'sync';
export type BulkOutcome = 'done' | 'skipped' | 'failed';

export interface SiteOutcome {
  outcome: BulkOutcome;
  message: string;
  errorCode?: string;
}

/**
 * What a bulk action would do to one site, judged from the stored state only (a dry run calls neither
 * Cloudflare nor writes anything). Enabling checks the same pre-conditions as MaintenanceService
 * (enable-preconditions.ts), so that a site the dry run calls failed is one the real run refuses; the
 * zone's quota and rules are only known to the real run.
 */
export function planSite(
  action: BulkAction,
  site: CloudflareSite,
  publicUrl: string | undefined,
  engine: MaintenanceEngine,
  access: SiteAccess,
): SiteOutcome {
  if (action === 'sync') return { outcome: 'done', message: `${site.domain}: would refresh the zone's facts from Cloudflare.` };
  if (action === 'enable') return planEnable(site, publicUrl, engine, access);
  return planDisable(site);
}

function planEnable(site: CloudflareSite, publicUrl: string | undefined, engine: MaintenanceEngine, access: SiteAccess): SiteOutcome {
  const refusal = enableRefusal(site, publicUrl);
  if (refusal) return wouldFail(site, 'validation', `it ${refusal}`);
  const forwardUrl = forwardUrlFor(site, publicUrl);
  const forwarding = forwardUrl === undefined ? '' : ` forwarding to ${forwardUrl}`;
  // Notes are sentences, ended with their own full stop: the messages below add one.
  const create = [`create ${engine.targets(site, access).join(', ')}${forwarding}`, ...engine.notes(site, access, forwardUrl)].join('. ').replace(/\.$/, '');
  switch (site.maintenanceState) {
    case 'on':
      return { outcome: 'skipped', message: `${site.domain} is already in maintenance; nothing would change.` };
    case 'enabling':
      return { outcome: 'skipped', message: `${site.domain} is being put into maintenance by another operation.` };
    case 'needs_reconcile':
      return wouldFail(site, 'conflict', 'it needs reconciliation first (a failed operation left rules of ours in the zone, or could not tell).');
    case 'disabling':
      return { outcome: 'done', message: `${site.domain}: would enable maintenance once the running disable ends: ${create}.` };
    case 'off':
      return { outcome: 'done', message: `${site.domain}: would enable maintenance: ${create}.` };
  }
}

function planDisable(site: CloudflareSite): SiteOutcome {
  if (!site.zoneId) return wouldFail(site, 'validation', 'it has no Cloudflare zone id; add it again with --zone-id, or sync it from Cloudflare.');
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
