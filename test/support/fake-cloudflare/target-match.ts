/**
 * Cloudflare Page Rule URL patterns, as documented for the `matches` operator:
 * - `*` matches any run of characters, the empty one included (dots and slashes too);
 * - a pattern without a scheme matches both http and https (`http*://` does the same explicitly);
 * - the hostname is case-insensitive, the path and query are not;
 * - a pattern that names no path and has no wildcard means the root path `/`.
 * So `*example.com/*` covers the apex and every subdomain, `*.example.com/*` only subdomains and
 * `example.com/*` only the apex.
 */
export function matchesTarget(pattern: string, url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const { scheme, rest } = splitScheme(pattern.trim());
  const slash = rest.indexOf('/');
  const hostPattern = (slash === -1 ? rest : rest.slice(0, slash)).toLowerCase();
  let pathPattern = slash === -1 ? '' : rest.slice(slash);
  if (pathPattern === '' && !hostPattern.includes('*')) pathPattern = '/';

  const authority = parsed.hostname.toLowerCase() + (parsed.port ? `:${parsed.port}` : '');
  const subject = authority + parsed.pathname + parsed.search;
  const withScheme = scheme === undefined ? subject : `${parsed.protocol.slice(0, -1)}://${subject}`;
  const fullPattern = (scheme === undefined ? '' : `${scheme.toLowerCase()}://`) + hostPattern + pathPattern;
  return globToRegExp(fullPattern).test(withScheme);
}

/** The hostname part of a pattern (no scheme, port or path), lower-cased, wildcards kept. */
export function targetHost(pattern: string): string {
  const { rest } = splitScheme(pattern.trim());
  const host = rest.split('/')[0] ?? '';
  return host.replace(/:[^:]*$/, '').toLowerCase();
}

export function wildcardCount(pattern: string): number {
  return pattern.split('*').length - 1;
}

/** Whether a concrete hostname is the zone apex or one of its subdomains. */
export function hostInZone(host: string, zoneName: string): boolean {
  const h = host.toLowerCase();
  const zone = zoneName.toLowerCase();
  return h === zone || h.endsWith(`.${zone}`);
}

/** Whether a host pattern can only ever match names inside the zone (`zone`, `x.zone`, `*zone`, `*.zone`). */
export function hostPatternInZone(hostPattern: string, zoneName: string): boolean {
  const zone = zoneName.toLowerCase();
  if (hostPattern === zone) return true;
  if (!hostPattern.endsWith(zone)) return false;
  const before = hostPattern[hostPattern.length - zone.length - 1];
  return before === '.' || before === '*';
}

function splitScheme(pattern: string): { scheme?: string; rest: string } {
  const match = /^([a-z*]+):\/\//i.exec(pattern);
  return match ? { scheme: match[1], rest: pattern.slice(match[0].length) } : { rest: pattern };
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 's');
}
