import { Injectable } from '@nestjs/common';
import type { KeyBoundClient } from '../../../cloudflare/key-bound-client.js';
import type { PageRuleRecord } from '../../../cloudflare/response-schemas.js';
import type { CloudflareSite, OwnedRule } from '../../../sites/cloudflare-site.entity.js';
import type { SiteAccess } from '../../../sites/site-access.js';
import { requireForwardUrl, type SiteRuleSettings } from '../../redirect-url.js';
import type { MaintenanceEngine, Progress, ZoneInspection } from '../maintenance-engine.js';
import { detectDrift } from './drift.js';
import { maintenanceTargets } from './page-rule-targets.js';
import { findOwnedRules, planEnable } from './rule-plan.js';
import { distinctRules, requireZone } from '../../owned-rules.js';

function targetOf(rule: PageRuleRecord): string {
  return rule.targets[0]?.constraint.value ?? '';
}

/** Maintenance as Page Rules that forward every matching request to the maintenance page. */
@Injectable()
export class PageRulesEngine implements MaintenanceEngine {
  readonly name = 'page-rules';
  readonly expressesAccess = false;

  targets(site: SiteRuleSettings): string[] {
    return maintenanceTargets(site);
  }

  notes(): string[] {
    return [];
  }

  async apply(
    client: KeyBoundClient,
    site: CloudflareSite,
    forwardUrl: string | undefined,
    _access: SiteAccess,
    progress: Progress,
    onRules: (rules: OwnedRule[]) => Promise<void>,
  ): Promise<OwnedRule[]> {
    const zoneId = requireZone(site);
    const url = requireForwardUrl(site, forwardUrl);
    progress.step = 'read the zone and its Page Rules';
    const [zone, rules] = await Promise.all([client.getZone(zoneId), client.listPageRules(zoneId)]);
    progress.step = 'plan the rules';
    const plan = planEnable(site, url, { name: zone.name, pageRuleQuota: zone.meta?.page_rule_quota, rules });
    progress.adopted = plan.adopted;
    for (const [index, rule] of plan.create.entries()) {
      progress.step = `create rule ${index + 1} of ${plan.create.length} (${rule.target})`;
      const created = await client.createForwardingRule(zoneId, rule);
      progress.created.push({ id: created.id, target: rule.target });
      await onRules(distinctRules([...plan.adopted, ...progress.created]));
    }
    return [...plan.adopted, ...progress.created];
  }

  async findOurs(client: KeyBoundClient, site: CloudflareSite, forwardUrl: string | undefined, progress: Progress): Promise<OwnedRule[]> {
    progress.step = 'list the Page Rules';
    const zoneRules = await client.listPageRules(requireZone(site));
    return findOwnedRules(site, forwardUrl, site.maintenanceRules, zoneRules);
  }

  async remove(client: KeyBoundClient, zoneId: string, rule: OwnedRule): Promise<void> {
    await client.deletePageRule(zoneId, rule.id);
  }

  async inspect(
    client: KeyBoundClient,
    site: CloudflareSite,
    forwardUrl: string | undefined,
    _access: SiteAccess,
    claimAbandoned: boolean,
  ): Promise<ZoneInspection> {
    const zoneRules = await client.listPageRules(requireZone(site));
    const ours = new Set(findOwnedRules(site, forwardUrl, site.maintenanceRules, zoneRules).map((rule) => rule.id));
    return {
      rules: zoneRules.map((rule) => ({ id: rule.id, target: targetOf(rule), status: rule.status, priority: rule.priority, ours: ours.has(rule.id) })),
      drift: detectDrift(site, forwardUrl, zoneRules, claimAbandoned),
    };
  }
}
