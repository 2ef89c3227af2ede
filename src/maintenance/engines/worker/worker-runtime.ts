/**
 * The Worker's code, after the constants and the sites' data that workerScript puts before it
 * (BYPASS_COOKIE, BYPASS_HEADER, BYPASS_QUERY, BYPASS_COOKIE_MAX_AGE_SECONDS, PAGE_CONTENT_SECURITY_POLICY,
 * ENTRIES). Plain JavaScript for the Workers runtime, unit-tested by running it in Node
 * (test/unit/worker-script.test.ts). Written as a raw template: it must hold no backtick and no dollar-brace.
 * The request decision order is docs/worker-engine.md#what-the-worker-does-with-a-request.
 */
export const WORKER_RUNTIME = String.raw`
const ENCODER = new TextEncoder();
/** Values hashed per carrier (link, cookie, header) at most: a request cannot make the Worker hash without end. */
const MAX_CANDIDATES = 4;

/** An address as 16 bytes, IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d), so one comparison serves both; null when invalid. */
function parseAddress(text) {
  if (!text.includes(':')) {
    const v4 = parseIPv4(text);
    return v4 && [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, ...v4];
  }
  return parseIPv6(text);
}

function parseIPv4(text) {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes = parts.map((part) => (/^(0|[1-9][0-9]{0,2})$/.test(part) ? Number(part) : 256));
  return bytes.every((byte) => byte <= 255) ? bytes : null;
}

/** 16-bit words of one side of "::"; a dotted IPv4 is allowed only as the address's last group. */
function wordsOf(side, endsAddress) {
  const groups = side === '' ? [] : side.split(':');
  const words = [];
  for (let i = 0; i < groups.length; i++) {
    if (groups[i].includes('.')) {
      const v4 = endsAddress && i === groups.length - 1 ? parseIPv4(groups[i]) : null;
      if (!v4) return null;
      words.push(v4[0] * 256 + v4[1], v4[2] * 256 + v4[3]);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(groups[i])) {
      words.push(parseInt(groups[i], 16));
    } else {
      return null;
    }
  }
  return words;
}

function parseIPv6(text) {
  const sides = text.split('::');
  if (sides.length > 2) return null;
  const compressed = sides.length === 2;
  const head = wordsOf(sides[0], !compressed);
  const tail = compressed ? wordsOf(sides[1], true) : [];
  if (!head || !tail) return null;
  const zeros = 8 - head.length - tail.length;
  if (compressed ? zeros < 1 : zeros !== 0) return null;
  return [...head, ...new Array(zeros).fill(0), ...tail].flatMap((word) => [word >> 8, word & 255]);
}

function parseRange(text) {
  const [address, prefix] = text.split('/');
  const bytes = parseAddress(address);
  if (!bytes) return null;
  const offset = address.includes(':') ? 0 : 96;
  return { bytes, prefix: prefix === undefined ? 128 : offset + Number(prefix) };
}

function inRange(address, range) {
  for (let i = 0, bits = range.prefix; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 255 : (255 << (8 - bits)) & 255;
    if ((address[i] & mask) !== (range.bytes[i] & mask)) return false;
  }
  return true;
}

const SITES = ENTRIES.map((entry) => ({ ...entry, ranges: entry.bypassIps.map(parseRange).filter((range) => range !== null) }));
const BY_HOST = new Map();
const BY_SUFFIX = [];
for (const site of SITES) {
  for (const host of site.hosts) if (!BY_HOST.has(host)) BY_HOST.set(host, site);
  for (const suffix of site.hostSuffixes) BY_SUFFIX.push([suffix, site]);
}
// The longest suffix first: a site on shop.example.com wins over one covering every subdomain of example.com.
BY_SUFFIX.sort((a, b) => b[0].length - a[0].length);

function siteOf(hostname) {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  const exact = BY_HOST.get(host);
  if (exact) return exact;
  const covering = BY_SUFFIX.find(([suffix]) => host.endsWith(suffix));
  return covering ? covering[1] : null;
}

function fromBypassAddress(site, clientIp) {
  const address = clientIp && parseAddress(clientIp.trim());
  return Boolean(address) && site.ranges.some((range) => inRange(address, range));
}

async function sha256Hex(text) {
  const digest = await crypto.subtle.digest('SHA-256', ENCODER.encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The first candidate whose SHA-256 is the site's secret's, else null; the first MAX_CANDIDATES of each carrier are tried. */
async function matchingSecret(site, ...carriers) {
  if (site.bypassSecretSha256 === null) return null;
  for (const candidate of carriers.flatMap((values) => values.slice(0, MAX_CANDIDATES))) {
    if (candidate && (await sha256Hex(candidate)) === site.bypassSecretSha256) return candidate;
  }
  return null;
}

function cookieValues(header) {
  const prefix = BYPASS_COOKIE + '=';
  return (header || '').split(';').map((part) => part.trim()).filter((part) => part.startsWith(prefix)).map((part) => part.slice(prefix.length));
}

function headerValues(header) {
  return (header || '').split(',').map((value) => value.trim()).filter(Boolean);
}

function decodeQueryPart(text) {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** The link's secrets, and the query's other pairs as they were written (not re-encoded). */
function splitQuery(search) {
  const kept = [];
  const secrets = [];
  for (const pair of search.replace(/^\?/, '').split('&')) {
    const equals = pair.indexOf('=');
    if (decodeQueryPart(equals < 0 ? pair : pair.slice(0, equals)) === BYPASS_QUERY) secrets.push(decodeQueryPart(pair.slice(equals + 1)));
    else kept.push(pair);
  }
  return { kept: kept.join('&'), secrets };
}

/** A host-only cookie (no Domain): it lets its holder through on the host that opened the link. */
function bypassLink(url, query, secret) {
  return new Response(null, {
    status: 302,
    headers: {
      Location: url.origin + url.pathname + (query ? '?' + query : ''),
      'Set-Cookie': BYPASS_COOKIE + '=' + secret + '; Path=/; Max-Age=' + BYPASS_COOKIE_MAX_AGE_SECONDS + '; HttpOnly; Secure; SameSite=Lax',
      'Cache-Control': 'no-store',
      'X-Robots-Tag': 'noindex',
    },
  });
}

/** [value, q] of each item of an Accept or Accept-Language header, in the order written; q outside 0–1 or unreadable is 0. */
function weighted(header) {
  return (header || '').split(',').map((item) => {
    const [value, ...parameters] = item.split(';').map((part) => part.trim());
    const q = parameters.find((parameter) => /^q=/i.test(parameter));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    return [value.toLowerCase(), Number.isFinite(weight) && weight >= 0 && weight <= 1 ? weight : 0];
  }).filter(([value]) => value !== '');
}

// The q of the most specific media range matching the type (exact, then type/any, then any/any), 0 when none does.
function quality(ranges, type) {
  const candidates = [type, type.split('/')[0] + '/*', '*/*'];
  for (const candidate of candidates) {
    const match = ranges.find(([range]) => range === candidate);
    if (match) return match[1];
  }
  return 0;
}

function prefersJson(accept) {
  const ranges = weighted(accept);
  return quality(ranges, 'application/json') > quality(ranges, 'text/html');
}

/** RFC 4647 lookup: each language range by q (ties in written order), then its shorter prefixes (fr-ca, fr). */
function pageLanguage(acceptLanguage, pages) {
  const ranges = weighted(acceptLanguage).filter(([tag, q]) => q > 0 && tag !== '*').sort((a, b) => b[1] - a[1]);
  for (const [tag] of ranges) {
    for (let candidate = tag; candidate; candidate = candidate.slice(0, Math.max(0, candidate.lastIndexOf('-')))) {
      if (candidate !== 'default' && Object.hasOwn(pages, candidate)) return candidate;
    }
  }
  return 'default';
}

/** Seconds to the window's end counted at request time (at least 1), else the site's default. */
function retryAfter(site) {
  if (site.endsAt === null) return site.retryAfterSeconds;
  return Math.max(1, Math.ceil((Date.parse(site.endsAt) - Date.now()) / 1000));
}

function maintenanceAnswer(request, site) {
  const seconds = retryAfter(site);
  const headers = new Headers({
    'Retry-After': String(seconds),
    'Cache-Control': 'no-store',
    'X-Robots-Tag': 'noindex',
    Vary: 'Accept, Accept-Language',
  });
  let body;
  if (prefersJson(request.headers.get('Accept'))) {
    headers.set('Content-Type', 'application/json');
    body = JSON.stringify({ status: 'maintenance', retryAfter: seconds });
  } else {
    const language = pageLanguage(request.headers.get('Accept-Language'), site.pages);
    headers.set('Content-Type', 'text/html; charset=utf-8');
    headers.set('Content-Security-Policy', PAGE_CONTENT_SECURITY_POLICY);
    if (language !== 'default') headers.set('Content-Language', language);
    body = site.pages[language];
  }
  return new Response(request.method === 'HEAD' ? null : body, { status: 503, headers });
}

/**
 * A host no site covers: the origin, except on workers.dev, which has none (fetch would call this Worker
 * again, error 1042). The engine keeps the script off workers.dev; this holds if someone turns it back on.
 */
function notCovered(request, url) {
  if (!/\.workers\.dev$/i.test(url.hostname.replace(/\.$/, ''))) return fetch(request);
  return new Response(request.method === 'HEAD' ? null : 'Not found', {
    status: 404,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex' },
  });
}

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const site = siteOf(url.hostname);
    if (!site) return notCovered(request, url);
    if (site.excludedPaths.some((prefix) => url.pathname.startsWith(prefix))) return fetch(request);
    if (fromBypassAddress(site, request.headers.get('CF-Connecting-IP'))) return fetch(request);
    const link = splitQuery(url.search);
    const linkSecret = await matchingSecret(site, link.secrets);
    if (linkSecret) {
      return request.method === 'GET' || request.method === 'HEAD' ? bypassLink(url, link.kept, linkSecret) : fetch(request);
    }
    if (await matchingSecret(site, cookieValues(request.headers.get('Cookie')), headerValues(request.headers.get(BYPASS_HEADER)))) return fetch(request);
    return maintenanceAnswer(request, site);
  },
};
`;
