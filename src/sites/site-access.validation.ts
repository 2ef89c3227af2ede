import { ValidationError } from '../common/errors.js';
import { dedupe, listItems, MAX_BYPASS_IPS } from '../common/ip-range.validation.js';

export { parseBypassIps } from '../common/ip-range.validation.js';

/**
 * Bounds that keep a site's redirect expression well under Cloudflare's 4,096 characters per rule
 * expression (https://developers.cloudflare.com/ruleset-engine/rules-language/expressions/), with
 * room for the hosts and the secret: at most 32 × 43 characters of addresses and 10 × 128 of paths.
 */
export const ACCESS_BOUNDS = { bypassIps: MAX_BYPASS_IPS, excludedPaths: 10, pathLength: 128 } as const;

export const ACME_CHALLENGE_PATH = '/.well-known/acme-challenge/';
export const DEFAULT_EXCLUDED_PATHS: readonly string[] = [ACME_CHALLENGE_PATH];

/**
 * Excluded path prefixes: what `starts_with(http.request.uri.path, "…")` compares, so a path as it arrives
 * (percent-encoded, no query or fragment) limited to RFC 3986 path characters minus `*`. That keeps `"` and
 * `\` (a Rules string's delimiter and escape) out of the expression entirely (docs/input-validation.md#excluded-paths).
 */
const PATH_CHARS = /^[A-Za-z0-9\-._~!$&'()+,;=:@/%]*$/;
const PERCENT_ESCAPE = /%(?![0-9A-Fa-f]{2})/;

export function parseExcludedPath(raw: string, field = 'excludedPaths'): string {
  const path = raw.trim();
  const refuse = (why: string) =>
    new ValidationError(
      `Invalid excluded path "${path}": ${why}. Expected a path prefix such as /api/webhooks/ or /health ` +
        `(starts with /, at most ${ACCESS_BOUNDS.pathLength} characters of letters, digits and - . _ ~ ! $ & ' ( ) + , ; = : @ / %XX).`,
      { field },
    );
  if (!path.startsWith('/')) throw refuse('it must start with /');
  if (path.length > ACCESS_BOUNDS.pathLength) throw refuse(`it is ${path.length} characters long`);
  if (/[?#]/.test(path)) throw refuse('a query (?) or fragment (#) is not part of a path');
  if (path.includes('*')) throw refuse('wildcards (*) are not accepted: every path is a prefix already');
  if (!PATH_CHARS.test(path)) throw refuse('it holds a character that is not accepted (write others percent-encoded)');
  if (PERCENT_ESCAPE.test(path)) throw refuse('a % must start a percent-encoded byte such as %20');
  if (path.split('/').some((segment) => segment === '.' || segment === '..') || path.includes('//')) {
    throw refuse('"." and ".." segments and "//" never reach the rules: Cloudflare normalises them away');
  }
  if (path === '/') throw refuse('excluding / would let every request through; take the site out of maintenance instead');
  return normalisePercentEscapes(path);
}

/**
 * As Cloudflare's URL normalisation (on by default) presents the path to the rules: escapes of unreserved
 * characters decoded, the others in upper case (https://developers.cloudflare.com/rules/normalization/how-it-works/).
 */
function normalisePercentEscapes(path: string): string {
  return path.replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) => {
    const character = String.fromCharCode(parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(character) ? character : escape.toUpperCase();
  });
}

export function parseExcludedPaths(raw: string | string[], field = 'excludedPaths'): string[] {
  const paths = dedupe(listItems(raw, field, 'excluded path').map((item) => parseExcludedPath(item, field)));
  if (paths.length > ACCESS_BOUNDS.excludedPaths) {
    throw new ValidationError(
      `Too many excluded paths: ${paths.length} given, at most ${ACCESS_BOUNDS.excludedPaths} (exclude a common parent instead).`,
      { field },
    );
  }
  return paths;
}
