/**
 * How we recognise our rules when their ids were lost: Cloudflare keeps a rule's `ref`, unique within
 * its ruleset, across updates (docs/cloudflare-facts.md#single-redirects). A fixed prefix names us, the
 * rest the site (its id, so that renaming the domain cannot orphan a rule).
 */
export const REF_PREFIX = 'cfm_maintenance_';
const REDIRECT = `${REF_PREFIX}redirect_`;
const BYPASS_COOKIE = `${REF_PREFIX}bypass_cookie_`;

export type OurRuleKind = 'redirect' | 'bypass_cookie';

export function refOf(kind: OurRuleKind, siteId: string): string {
  return `${kind === 'redirect' ? REDIRECT : BYPASS_COOKIE}${siteId}`;
}

/** The kind of our rule a ref names, whichever site it is for; undefined for a ref that is not ours. */
export function kindOfRef(ref: string | undefined): OurRuleKind | undefined {
  if (ref?.startsWith(REDIRECT)) return 'redirect';
  if (ref?.startsWith(BYPASS_COOKIE)) return 'bypass_cookie';
  return undefined;
}
