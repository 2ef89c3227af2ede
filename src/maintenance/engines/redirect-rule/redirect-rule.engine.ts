import { Injectable } from '@nestjs/common';
import type { KeyBoundClient } from '../../../cloudflare/key-bound-client.js';
import { REDIRECT_PHASE, RESPONSE_HEADERS_PHASE, type RulesetPhase, type RulesetRuleRecord } from '../../../cloudflare/rulesets.js';
import type { CloudflareSite, OwnedRule } from '../../../sites/cloudflare-site.entity.js';
import { accessExemptions, type SiteAccess } from '../../../sites/site-access.js';
import { distinctRules, requireZone } from '../../owned-rules.js';
import { requireForwardUrl, type SiteRuleSettings } from '../../redirect-url.js';
import type { MaintenanceEngine, Progress, ZoneInspection, ZoneRule } from '../maintenance-engine.js';
import { detectDrift, ourRules } from './drift.js';
import { planQuota } from './plan-quota.js';
import { hostCondition, maskSecret, ruleExpressions } from './redirect-expression.js';
import { type Entrypoints, planRules } from './rule-plan.js';
import { kindOfRef } from './rule-refs.js';
import { desiredRules, PHASE_OF } from './rule-specs.js';

const PHASES: RulesetPhase[] = [REDIRECT_PHASE, RESPONSE_HEADERS_PHASE];

/**
 * Maintenance as one Single Redirect rule per site, first in the zone's redirect phase, plus (with a
 * bypass secret) one response header rule that turns the bypass link into a cookie. Rules are added and
 * removed one at a time; the phase's entrypoint is created only when the zone has none, never replaced.
 */
@Injectable()
export class RedirectRuleEngine implements MaintenanceEngine {
  readonly name = 'redirect-rule';
  readonly expressesAccess = true;

  targets(site: SiteRuleSettings, access: SiteAccess): string[] {
    const hosts = `302 redirect where ${hostCondition(site)}`;
    const exempt = accessExemptions(access);
    return [exempt.length ? `${hosts}, except ${exempt.join('; ')}` : hosts, ...(access.bypassSecret ? ['bypass link → cookie (response header rule)'] : [])];
  }

  notes(site: SiteRuleSettings, access: SiteAccess, forwardUrl: string | undefined): string[] {
    const path = ruleExpressions(site, access, requireForwardUrl(site, forwardUrl)).exemptedOwnPath;
    return path
      ? [`The maintenance URL ${forwardUrl} is on a host ${site.domain} covers, so its path ${path} is let through instead of redirected (no loop).`]
      : [];
  }

  async apply(
    client: KeyBoundClient,
    site: CloudflareSite,
    forwardUrl: string | undefined,
    access: SiteAccess,
    progress: Progress,
    onRules: (rules: OwnedRule[]) => Promise<void>,
  ): Promise<OwnedRule[]> {
    const zoneId = requireZone(site);
    const desired = desiredRules(site, access, requireForwardUrl(site, forwardUrl)).rules;
    progress.step = 'read the zone and its rules';
    const [zone, entrypoints] = await Promise.all([client.getZone(zoneId), this.read(client, zoneId, [...new Set(desired.map((need) => need.phase))])]);
    progress.step = 'plan the rules';
    const steps = planRules(site.domain, desired, site.maintenanceRules, entrypoints, planQuota(zone));
    const secrets = access.bypassSecret ? [access.bypassSecret] : [];
    const owned = () => distinctRules([...progress.adopted, ...progress.created]);
    for (const step of steps) {
      const ref = step.desired.spec.ref;
      if (step.kind === 'adopt') {
        progress.adopted.push({ id: step.rule.id, target: ref });
        continue;
      }
      if (step.kind === 'update') {
        progress.step = `update rule ${step.rule.id} (${ref})`;
        await client.updateRule(zoneId, step.rulesetId, step.rule.id, step.desired.spec, secrets);
        progress.adopted.push({ id: step.rule.id, target: ref });
      } else {
        progress.step = `add rule ${ref} first in the ${step.desired.phase} phase`;
        const { rule } = await client.addRuleFirst(zoneId, step.desired.phase, step.rulesetId, step.desired.spec, secrets);
        progress.created.push({ id: rule.id, target: ref });
      }
      await onRules(owned());
    }
    return owned();
  }

  async findOurs(client: KeyBoundClient, site: CloudflareSite, _forwardUrl: string | undefined, progress: Progress): Promise<OwnedRule[]> {
    progress.step = 'read the redirect and response header rules';
    const entrypoints = await this.read(client, requireZone(site), PHASES);
    return ourRules(site, entrypoints).map(({ rule, ref }) => ({ id: rule.id, target: ref }));
  }

  /** Reads the rule's phase first: the ruleset id is needed, and a rule already gone counts as deleted. */
  async remove(client: KeyBoundClient, zoneId: string, rule: OwnedRule): Promise<void> {
    const kind = kindOfRef(rule.target);
    for (const phase of kind ? [PHASE_OF[kind]] : PHASES) {
      const ruleset = await client.getEntrypoint(zoneId, phase);
      if (ruleset?.rules.some((candidate) => candidate.id === rule.id)) {
        await client.deleteRule(zoneId, ruleset.id, rule.id);
        return;
      }
    }
  }

  async inspect(
    client: KeyBoundClient,
    site: CloudflareSite,
    forwardUrl: string | undefined,
    access: SiteAccess,
    claimAbandoned: boolean,
  ): Promise<ZoneInspection> {
    const entrypoints = await this.read(client, requireZone(site), PHASES);
    const ours = new Map(ourRules(site, entrypoints).map(({ rule, ref }) => [rule.id, ref]));
    const redirects = entrypoints.get(REDIRECT_PHASE)?.rules ?? [];
    const ourHeaderRules = (entrypoints.get(RESPONSE_HEADERS_PHASE)?.rules ?? []).filter((rule) => ours.has(rule.id));
    const show = (rule: RulesetRuleRecord, priority: number): ZoneRule => {
      const ref = ours.get(rule.id);
      // The bypass secret is part of our expressions; it is masked in everything shown.
      const expression = maskSecret(rule.expression, access.bypassSecret);
      return { id: rule.id, target: ref ? `${ref}: ${expression}` : expression, status: rule.enabled ? 'active' : 'disabled', priority, ours: Boolean(ref) };
    };
    const desired = forwardUrl === undefined ? undefined : desiredRules(site, access, forwardUrl).rules;
    return {
      // The first matching redirect wins: the first rule gets the highest priority, as a Page Rule would.
      rules: [...redirects.map((rule, index) => show(rule, redirects.length - index)), ...ourHeaderRules.map((rule) => show(rule, 0))],
      drift: detectDrift(site, desired, entrypoints, claimAbandoned).map((entry) => ({ ...entry, message: maskSecret(entry.message, access.bypassSecret) })),
    };
  }

  private async read(client: KeyBoundClient, zoneId: string, phases: RulesetPhase[]): Promise<Entrypoints> {
    const rulesets = await Promise.all(phases.map((phase) => client.getEntrypoint(zoneId, phase)));
    return new Map(phases.map((phase, index) => [phase, rulesets[index]]));
  }
}
