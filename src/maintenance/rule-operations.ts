import { Injectable } from '@nestjs/common';
import { CloudflareGateway } from '../cloudflare/cloudflare.gateway.js';
import { ValidationError } from '../common/errors.js';
import type { CloudflareSite, OwnedRule } from '../sites/cloudflare-site.entity.js';
import { planEnable } from './rule-plan.js';
import { SiteStateStore } from './site-state.store.js';

/** Where an operation got to, for the audit message and the rollback. */
export interface Progress {
  step: string;
  adopted?: OwnedRule[];
  created: OwnedRule[];
}

export function requireZone(site: CloudflareSite): string {
  if (!site.zoneId) {
    throw new ValidationError(`${site.domain} has no Cloudflare zone id; add it again with --zone-id, or sync it from Cloudflare.`);
  }
  return site.zoneId;
}

export function ruleIds(rules: OwnedRule[]): string[] {
  return rules.map((rule) => rule.id);
}

function distinct(rules: OwnedRule[]): OwnedRule[] {
  return [...new Map(rules.map((rule) => [rule.id, rule])).values()];
}

/** Creating and removing a site's maintenance rules, shared by maintenance, settings changes and reconcile. */
@Injectable()
export class RuleOperations {
  constructor(
    private readonly gateway: CloudflareGateway,
    private readonly state: SiteStateStore,
  ) {}

  /**
   * Reads the zone, plans, and creates the missing rules one by one, recording each as it exists
   * (after `alreadyRecorded`, which stay recorded too). Returns every rule the plan relies on.
   */
  async createRules(
    token: string,
    site: CloudflareSite,
    forwardUrl: string,
    progress: Progress,
    alreadyRecorded: OwnedRule[],
  ): Promise<OwnedRule[]> {
    const zoneId = requireZone(site);
    progress.step = 'read the zone and its Page Rules';
    const [zone, rules] = await Promise.all([this.gateway.getZone(token, zoneId), this.gateway.listPageRules(token, zoneId)]);
    progress.step = 'plan the rules';
    const plan = planEnable(site, forwardUrl, { name: zone.name, pageRuleQuota: zone.meta?.page_rule_quota, rules });
    progress.adopted = plan.adopted;
    for (const [index, rule] of plan.create.entries()) {
      progress.step = `create rule ${index + 1} of ${plan.create.length} (${rule.target})`;
      const created = await this.gateway.createForwardingRule(token, zoneId, rule);
      progress.created.push({ id: created.id, target: rule.target });
      await this.state.recordRules(site.id, distinct([...alreadyRecorded, ...plan.adopted, ...progress.created]));
    }
    return [...plan.adopted, ...progress.created];
  }

  /** Deletes what it can and returns the rules that could not be deleted. */
  async removeRules(token: string, zoneId: string, rules: OwnedRule[]): Promise<OwnedRule[]> {
    const left: OwnedRule[] = [];
    for (const rule of [...rules].reverse()) {
      try {
        await this.gateway.deletePageRule(token, zoneId, rule.id);
      } catch {
        left.push(rule);
      }
    }
    return left;
  }
}
