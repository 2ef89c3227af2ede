import { ValidationError } from '../common/errors.js';
import type { CloudflareSite, OwnedRule } from '../sites/cloudflare-site.entity.js';

export function requireZone(site: Pick<CloudflareSite, 'domain' | 'zoneId'>): string {
  if (!site.zoneId) {
    throw new ValidationError(`${site.domain} has no Cloudflare zone id; add it again with --zone-id, or sync it from Cloudflare.`);
  }
  return site.zoneId;
}

export function ruleIds(rules: OwnedRule[]): string[] {
  return rules.map((rule) => rule.id);
}

export function distinctRules(rules: OwnedRule[]): OwnedRule[] {
  return [...new Map(rules.map((rule) => [rule.id, rule])).values()];
}
