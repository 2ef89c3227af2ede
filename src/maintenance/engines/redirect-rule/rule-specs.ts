import { REDIRECT_PHASE, RESPONSE_HEADERS_PHASE, type RulesetPhase, type RulesetRuleRecord, type RulesetRuleSpec } from '../../../cloudflare/rulesets.js';
import { BYPASS_COOKIE, BYPASS_COOKIE_MAX_AGE_SECONDS } from '../../../sites/bypass-secret.js';
import type { SiteAccess } from '../../../sites/site-access.js';
import type { SiteRuleSettings } from '../../redirect-url.js';
import { ruleExpressions } from './redirect-expression.js';
import { type OurRuleKind, refOf } from './rule-refs.js';

export interface RedirectSite extends SiteRuleSettings {
  id: string;
}

/** One rule of ours as the settings need it, and the phase it lives in. */
export interface DesiredRule {
  kind: OurRuleKind;
  phase: RulesetPhase;
  spec: RulesetRuleSpec;
}

export interface DesiredRules {
  rules: DesiredRule[];
  exemptedOwnPath?: string;
}

export const PHASE_OF: Record<OurRuleKind, RulesetPhase> = { redirect: REDIRECT_PHASE, bypass_cookie: RESPONSE_HEADERS_PHASE };

/**
 * The rules a site in maintenance needs: the redirect (302, the query string dropped), and, when the
 * site has a bypass secret, the response header rule that turns the bypass link into a cookie.
 */
export function desiredRules(site: RedirectSite, access: SiteAccess, forwardUrl: string): DesiredRules {
  const expressions = ruleExpressions(site, access, forwardUrl);
  const rules: DesiredRule[] = [
    {
      kind: 'redirect',
      phase: PHASE_OF.redirect,
      spec: {
        ref: refOf('redirect', site.id),
        description: `cloudflare-maintenance: ${site.domain} is in maintenance (managed rule, removed when maintenance ends)`,
        expression: expressions.redirect,
        action: 'redirect',
        action_parameters: { from_value: { target_url: { value: forwardUrl }, status_code: 302, preserve_query_string: false } },
        enabled: true,
      },
    },
  ];
  if (expressions.cookieLink && access.bypassSecret) {
    rules.push({
      kind: 'bypass_cookie',
      phase: PHASE_OF.bypass_cookie,
      spec: {
        ref: refOf('bypass_cookie', site.id),
        description: `cloudflare-maintenance: the bypass link of ${site.domain} sets the bypass cookie (managed rule)`,
        expression: expressions.cookieLink,
        action: 'rewrite',
        action_parameters: {
          headers: {
            // Add, not set: set would replace every set-cookie of the response, the origin's and Cloudflare's own.
            'set-cookie': {
              operation: 'add',
              // Domain: one link lets its holder through on every host of the site, not only the one opened.
              value: `${BYPASS_COOKIE}=${access.bypassSecret}; Domain=${site.domain}; Path=/; Max-Age=${BYPASS_COOKIE_MAX_AGE_SECONDS}; Secure; HttpOnly; SameSite=Lax`,
            },
          },
        },
        enabled: true,
      },
    });
  }
  return { rules, exemptedOwnPath: expressions.exemptedOwnPath };
}

/** Whether a rule in the zone does what the spec says (its expression, action and parameters); `enabled` is judged apart. */
export function matchesSpec(rule: RulesetRuleRecord, spec: RulesetRuleSpec): boolean {
  return rule.expression === spec.expression && rule.action === spec.action && sameParameters(rule.action_parameters, spec.action_parameters);
}

/** Every parameter we set has the value we set; Cloudflare may add defaults of its own beside them. */
function sameParameters(actual: unknown, expected: unknown): boolean {
  if (expected === null || typeof expected !== 'object') return actual === expected;
  if (actual === null || typeof actual !== 'object') return false;
  return Object.entries(expected).every(([key, value]) => sameParameters((actual as Record<string, unknown>)[key], value));
}
