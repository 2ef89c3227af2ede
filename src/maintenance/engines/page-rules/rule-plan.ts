import { ConflictError, QuotaError } from '../../../common/errors.js';
import { isForwardingRule } from '../../../cloudflare/forwarding-rule.js';
import type { PageRuleRecord } from '../../../cloudflare/response-schemas.js';
import type { OwnedRule } from '../../../sites/cloudflare-site.entity.js';
import type { SiteRuleSettings } from '../../redirect-url.js';
import { equivalentTarget, maintenanceTargets } from './page-rule-targets.js';

export interface RuleToCreate {
  target: string;
  forwardUrl: string;
  priority: number;
}

export interface EnablePlan {
  /** Our rules already in the zone (left by an interrupted run), kept instead of duplicated. */
  adopted: OwnedRule[];
  create: RuleToCreate[];
}

/** What planning needs to know of the zone: its name, its Page Rule quota and the rules in it now. */
export interface ZoneToPlan {
  name: string;
  pageRuleQuota: number | undefined;
  rules: PageRuleRecord[];
}

function describeRule(rule: PageRuleRecord): string {
  const actions = rule.actions.map((action) => action.id).join(', ');
  return `Page Rule ${rule.id} (${rule.targets[0]?.constraint.value ?? '?'} → ${actions}, priority ${rule.priority}, ${rule.status})`;
}

function targetOf(rule: PageRuleRecord): string | undefined {
  return rule.targets[0]?.constraint.value;
}

/**
 * Which rules enabling maintenance needs, from the site's settings and the zone's current rules.
 * Every new rule outranks every rule already in the zone, because only the highest-priority matching
 * rule applies (docs/cloudflare-facts.md#priority). Throws before anything is written when the zone cannot take the plan.
 */
export function planEnable(site: SiteRuleSettings, forwardUrl: string, zone: ZoneToPlan): EnablePlan {
  const adopted: OwnedRule[] = [];
  const targets: string[] = [];
  const taken = new Map(zone.rules.map((rule) => [targetOf(rule), rule]));

  for (const target of maintenanceTargets(site)) {
    const candidates = [target, equivalentTarget(target)];
    const ours = candidates
      .map((candidate) => taken.get(candidate))
      .find((rule) => rule && isForwardingRule(rule, targetOf(rule)!, forwardUrl));
    if (ours) {
      adopted.push({ id: ours.id, target: targetOf(ours)! });
      continue;
    }
    const free = candidates.find((candidate) => !taken.has(candidate));
    if (!free) {
      const blocking = candidates.map((candidate) => describeRule(taken.get(candidate)!)).join(' and ');
      throw new ConflictError(
        `${site.domain}: the zone's own ${blocking} already use the pattern ${target} and its equivalent ` +
          `${equivalentTarget(target)}; Cloudflare allows one rule per pattern. Change or remove one of them ` +
          'in Cloudflare, then enable maintenance again.',
      );
    }
    targets.push(free);
  }

  const quota = zone.pageRuleQuota;
  const freeSlots = quota === undefined ? Infinity : quota - zone.rules.length;
  if (targets.length > freeSlots) {
    throw new QuotaError(
      targets.length,
      Math.max(0, freeSlots),
      quota!,
      `${site.domain}: maintenance needs ${targets.length} new Page Rule(s) but the zone has ${Math.max(0, freeSlots)} free ` +
        `(quota ${quota}, ${zone.rules.length} in use). Remove unused Page Rules, switch the site to all subdomains ` +
        '(one *domain/* rule covers the apex and every subdomain), list fewer subdomains, or upgrade the zone\'s plan.',
    );
  }

  const highest = Math.max(0, ...zone.rules.map((rule) => rule.priority));
  return {
    adopted,
    create: targets.map((target, index) => ({ target, forwardUrl, priority: highest + 1 + index })),
  };
}

/**
 * The rules of ours in the zone: those whose ids we stored, plus (for ids lost in a crash) any rule
 * with exactly one of our patterns AND our redirect URL. Nothing else is ever deleted (docs/promises.md#ours-only).
 */
export function findOwnedRules(
  site: SiteRuleSettings,
  forwardUrl: string | undefined,
  stored: OwnedRule[],
  zoneRules: PageRuleRecord[],
): OwnedRule[] {
  const storedIds = new Set(stored.map((rule) => rule.id));
  const patterns = new Set(maintenanceTargets(site).flatMap((target) => [target, equivalentTarget(target)]));
  return zoneRules
    .filter(
      (rule) =>
        storedIds.has(rule.id) ||
        (forwardUrl !== undefined && patterns.has(targetOf(rule) ?? '') && isForwardingRule(rule, targetOf(rule)!, forwardUrl)),
    )
    .map((rule) => ({ id: rule.id, target: targetOf(rule) ?? '' }));
}
