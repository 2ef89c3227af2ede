import { randomBytes } from 'node:crypto';

/**
 * How a staff member carries the bypass secret (the redirect_rule engine exempts requests that carry it):
 * a link with the query parameter, which sets the cookie for the following requests, or the header, for
 * scripts and smoke tests from CI. README "What a bypass looks like to a visitor".
 */
export const BYPASS_COOKIE = 'cfm_bypass';
export const BYPASS_HEADER = 'x-maintenance-bypass';
export const BYPASS_QUERY = 'cfm_bypass';

/** How long the cookie set by the bypass link lets its holder through (every engine): a working day. */
export const BYPASS_COOKIE_MAX_AGE_SECONDS = 12 * 60 * 60;

const SECRET_BYTES = 32;

/** 32 random bytes as base64url: 43 characters of [A-Za-z0-9_-], safe in a cookie, a header, a query and a Rules string. */
export function generateBypassSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

export const BYPASS_SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** What every view shows instead of a saved secret: only that one is set. */
export const BYPASS_SECRET_MASK = '••••••••';

/** How to use a newly generated secret, printed with it that one time. */
export function bypassInstructions(domain: string, secret: string): { link: string; header: string } {
  return {
    link: `https://${domain}/?${BYPASS_QUERY}=${secret}`,
    header: `curl -H '${BYPASS_HEADER}: ${secret}' https://${domain}/`,
  };
}
