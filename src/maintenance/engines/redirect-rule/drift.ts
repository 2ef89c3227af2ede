import { REDIRECT_PHASE, type RulesetRuleRecord } from '../../../cloudflare/rulesets.js';
import type { MaintenanceState, OwnedRule } from '../../../sites/cloudflare-site.entity.js';
import type { Drift } from '../maintenance-engine.js';
import { storedStateDrift } from '../stored-state-drift.js';
import { coversHost } from './redirect-expression.js';
import type { Entrypoints } from './rule-plan.js';
import { findOurRule } from './rule-plan.js';
import { type DesiredRule, matchesSpec, type RedirectSite } from './rule-specs.js';
import { kindOfRef, refOf } from './rule-refs.js';

export interface RedirectSiteSnapshot extends RedirectSite {
  maintenanceState: MaintenanceState;
  maintenanceRules: OwnedRule[];
}

export interface OurZoneRule {
  rule: RulesetRuleRecord;
  ref: string;
}

/** Our rules of this site in the zone: those holding one of its refs, and those whose ids it stored. */
export function ourRules(site: RedirectSiteSnapshot, entrypoints: Entrypoints): OurZoneRule[] {
  const refs = new Set([refOf('redirect', site.id), refOf('bypass_cookie', site.id)]);
  const stored = new Map(site.maintenanceRules.map((rule) => [rule.id, rule.target]));
  return [...entrypoints.values()]
    .flatMap((ruleset) => ruleset?.rules ?? [])
    .filter((rule) => refs.has(rule.ref ?? '') || stored.has(rule.id))
    .map((rule) => ({ rule, ref: refs.has(rule.ref ?? '') ? rule.ref! : stored.get(rule.id)! }));
}

/**
 * A user's enabled redirect placed before ours that may catch the same requests: its expression does
 * not look at the host at all, or names a host the site covers. (A heuristic: we do not evaluate the
 * user's expression; a false alarm costs a look, a miss would hide why visitors are not redirected.)
 */
export function outrankingRules(site: RedirectSite, redirects: RulesetRuleRecord[], oursId: string): RulesetRuleRecord[] {
  const index = redirects.findIndex((rule) => rule.id === oursId);
  return redirects.slice(0, Math.max(0, index)).filter((rule) => rule.enabled && rule.action === 'redirect' && !kindOfRef(rule.ref) && mayCoverSite(site, rule.expression));
}

function mayCoverSite(site: RedirectSite, expression: string): boolean {
  if (!expression.includes('http.host')) return true;
  const literals = [...expression.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => match[1].replace(/^\./, '').replace(/\*\.?/g, ''));
  return literals.some((literal) => literal.length > 0 && coversHost(site, literal));
}

function describe(rule: RulesetRuleRecord): string {
  return rule.ref && kindOfRef(rule.ref) ? `${rule.id} (${rule.ref})` : `${rule.id} (${rule.description || 'no description'})`;
}

/**
 * How the zone differs from the stored state (docs/promises.md#the-truth-is-in-cloudflare). `desired`
 * is what the settings need now; undefined when the site has nowhere to send visitors.
 */
export function detectDrift(
  site: RedirectSiteSnapshot,
  desired: DesiredRule[] | undefined,
  entrypoints: Entrypoints,
  claimAbandoned: boolean,
): Drift[] {
  const ours = ourRules(site, entrypoints);
  const inZone = new Set(ours.map(({ rule }) => rule.id));
  const stored = new Set(site.maintenanceRules.map((rule) => rule.id));
  const drift: Drift[] = [];

  switch (site.maintenanceState) {
    case 'on': {
      const missingRefs = new Set<string>();
      for (const rule of site.maintenanceRules) {
        if (!inZone.has(rule.id)) {
          missingRefs.add(rule.target);
          drift.push({ kind: 'rule_missing', ruleId: rule.id, message: `rule ${rule.id} (${rule.target}) is no longer in the zone (deleted by hand?)` });
        }
      }
      for (const need of desired ?? []) {
        const found = findOurRule(entrypoints.get(need.phase) ?? null, need, site.maintenanceRules);
        if (!found) {
          if (!missingRefs.has(need.spec.ref)) drift.push({ kind: 'rule_missing', message: `no rule of ours ${need.spec.ref} is in the zone, and the site's settings need it` });
          continue;
        }
        if (!stored.has(found.id)) drift.push({ kind: 'rule_orphaned', ruleId: found.id, message: `rule ${describe(found)} is ours but not recorded` });
        if (!found.enabled) drift.push({ kind: 'rule_inactive', ruleId: found.id, message: `rule ${describe(found)} is disabled` });
        else if (!matchesSpec(found, need.spec)) {
          drift.push({ kind: 'rule_stale', ruleId: found.id, message: `rule ${describe(found)} does not do what the site's settings need (hosts, bypass, exclusions or URL changed)` });
        }
        if (need.phase === REDIRECT_PHASE) {
          const above = outrankingRules(site, entrypoints.get(REDIRECT_PHASE)?.rules ?? [], found.id);
          if (above.length) {
            drift.push({
              kind: 'rule_outranked',
              ruleId: found.id,
              message: `rule ${describe(found)} comes after ${above.map(describe).join(', ')}, which may redirect the same hosts first`,
            });
          }
        }
      }
      const needed = new Set((desired ?? []).map((need) => need.spec.ref));
      for (const { rule, ref } of ours) {
        if (desired && !needed.has(ref)) drift.push({ kind: 'rule_orphaned', ruleId: rule.id, message: `rule ${describe(rule)} is ours but the site's settings no longer need it` });
      }
      break;
    }
    case 'off':
      for (const { rule } of ours) {
        drift.push({ kind: 'rule_orphaned', ruleId: rule.id, message: `rule ${describe(rule)} is ours but the site is out of maintenance (left by a crash?)` });
      }
      break;
    default:
      drift.push(...storedStateDrift(site, claimAbandoned));
  }
  return drift;
}
