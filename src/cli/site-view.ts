import type { PageBranding } from '../maintenance-page/branding.js';
import type { CloudflareSite } from '../sites/cloudflare-site.entity.js';
import { bypassSummary, type SiteAccessView } from '../sites/site-access.js';
import { siteCoverage } from '../sites/site-coverage.js';
import { engineNeedsForwardUrl } from '../sites/site-engine.js';
import { table, when } from './cli-output.js';

export interface SiteView extends SiteAccessView {
  domain: string;
  name: string;
  zoneId: string | null;
  coverage: string;
  maintenanceUrl: string | null;
  apiKey: string | null;
  active: boolean;
  inactiveReason: string | null;
  zoneStatus: string | null;
  lastSyncedAt: Date | null;
  state: string;
  inMaintenance: boolean;
  since: Date | null;
  reason: string | null;
  ruleIds: string[];
  /** The site's own maintenance page branding; null: the global default. */
  pageBranding: PageBranding | null;
}

/** `access` from SiteAccessResolver.view: the bypass secret is only ever masked. */
export function siteView(site: CloudflareSite, access: SiteAccessView): SiteView {
  return {
    domain: site.domain,
    name: site.name,
    ...access,
    zoneId: site.zoneId,
    coverage: siteCoverage(site),
    maintenanceUrl: site.maintenanceUrl,
    apiKey: site.apiKey?.name ?? null,
    active: site.isActive,
    inactiveReason: site.inactiveReason,
    zoneStatus: site.zoneStatus,
    lastSyncedAt: site.lastSyncedAt,
    state: site.maintenanceState,
    inMaintenance: site.maintenanceState === 'on',
    since: site.maintenanceSince,
    reason: site.maintenanceReason,
    ruleIds: site.maintenanceRules.map((rule) => rule.id),
    pageBranding: site.pageBranding,
  };
}

/** The Worker answers in place: a URL set on a worker site waits for a switch to a redirecting engine. */
function maintenanceUrlCell(site: SiteView): string {
  if (!engineNeedsForwardUrl(site.engine)) return site.maintenanceUrl ? `(not used by the worker engine: ${site.maintenanceUrl})` : '(none needed)';
  return site.maintenanceUrl ?? '(PUBLIC_URL)';
}

export function siteTable(sites: SiteView[]): string {
  return table(
    ['Domain', 'Maintenance', 'Since', 'Reason', 'Covers', 'Maintenance URL', 'Active'],
    sites.map((site) => [
      site.domain,
      site.state === 'on' ? 'ON' : site.state,
      when(site.since),
      site.reason,
      site.coverage,
      maintenanceUrlCell(site),
      site.active ? 'yes' : 'no',
    ]),
  );
}

/** `sites list`: the operator's settings and what Cloudflare says of the zone. */
export function siteSettingsTable(sites: SiteView[]): string {
  return table(
    ['Domain', 'Name', 'Zone', 'Zone status', 'Covers', 'Maintenance URL', 'Engine', 'Bypass', 'Excluded paths', 'API key', 'Active', 'Last synced'],
    sites.map((site) => [
      site.domain,
      site.name,
      site.zoneId,
      site.zoneStatus,
      site.coverage,
      maintenanceUrlCell(site),
      site.engine,
      bypassSummary(site),
      site.excludedPaths.join(', '),
      site.apiKey,
      site.active ? 'yes' : `no (${site.inactiveReason ?? 'operator'})`,
      when(site.lastSyncedAt),
    ]),
  );
}
