import type { CloudflareSite } from '../sites/cloudflare-site.entity.js';
import type { SiteAccessView } from '../sites/site-access.js';
import type { SiteBody } from './api-schemas.js';

/** A site as the API shows it; `keyNames` maps Cloudflare key ids to names; `access` has the bypass secret masked. */
export function siteBody(site: CloudflareSite, keyNames: ReadonlyMap<string, string>, access: SiteAccessView): SiteBody {
  const { engine, ...bypassAndExclusions } = access;
  return {
    domain: site.domain,
    name: site.name,
    zoneId: site.zoneId,
    apiKey: keyNames.get(site.apiKeyId) ?? null,
    active: site.isActive,
    state: site.maintenanceState,
    inMaintenance: site.maintenanceState === 'on',
    since: site.maintenanceSince?.toISOString() ?? null,
    reason: site.maintenanceReason,
    rules: site.maintenanceRules.map((rule) => ({ id: rule.id, target: rule.target })),
    engine,
    access: bypassAndExclusions,
    pageBranding: site.pageBranding,
  };
}
