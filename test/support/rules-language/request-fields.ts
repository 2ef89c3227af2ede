import { parseIpAddress, type IpAddress } from './ip.js';
import { normalizePath, normalizeQuery, type UrlNormalization } from './url-normalization.js';

/** A request as the evaluator sees it. Header names are case-insensitive. */
export interface RulesRequest {
  host: string;
  path: string;
  /** Without the leading `?`. */
  query?: string;
  ip: string;
  /** The raw Cookie header; a `cookie` entry in `headers` is used when this is absent. */
  cookie?: string;
  headers?: Record<string, string>;
  /** Default GET. */
  method?: string;
  /** Default https. */
  scheme?: 'http' | 'https';
  /** How the zone normalizes incoming URLs before rules see them; default `rfc3986`, Cloudflare's default. */
  urlNormalization?: UrlNormalization;
}

export type FieldValue = string | number | boolean | IpAddress | string[] | Map<string, string[]>;

/** The value of every field of the subset for one request, as Cloudflare fills them in. */
export function requestFields(request: RulesRequest): Map<string, FieldValue> {
  const ip = parseIpAddress(request.ip);
  if (!ip) throw new Error(`RulesRequest: "${request.ip}" is not an IP address`);
  if (!request.path.startsWith('/')) throw new Error(`RulesRequest: the path "${request.path}" must start with "/"`);
  const headers = lowerCaseHeaders(request.headers ?? {});
  // http.host is the host name alone, lower-cased, without a port.
  const host = request.host.toLowerCase().replace(/:\d+$/, '');
  const cookie = request.cookie ?? headers.get('cookie') ?? '';
  if (cookie !== '') headers.set('cookie', cookie);
  headers.set('host', host);
  const normalization = request.urlNormalization ?? 'rfc3986';
  const path = normalizePath(request.path, normalization);
  const query = normalizeQuery((request.query ?? '').replace(/^\?/, ''), normalization);
  const uri = query === '' ? path : `${path}?${query}`;
  const scheme = request.scheme ?? 'https';
  return new Map<string, FieldValue>([
    ['http.host', host],
    ['http.request.uri', uri],
    ['http.request.uri.path', path],
    ['http.request.uri.query', query],
    ['http.request.full_uri', `${scheme}://${host}${uri}`],
    ['http.request.method', (request.method ?? 'GET').toUpperCase()],
    ['http.user_agent', headers.get('user-agent') ?? ''],
    ['http.cookie', cookie],
    ['http.request.cookies', parseCookies(cookie)],
    ['http.request.headers', new Map([...headers].map(([name, value]) => [name, [value]]))],
    ['http.request.headers.names', [...headers.keys()]],
    ['http.request.headers.values', [...headers.values()]],
    ['ip.src', ip],
    ['ssl', scheme === 'https'],
  ]);
}

function lowerCaseHeaders(headers: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

/**
 * `http.request.cookies`: name → values, in order; names are URL-decoded, values kept as sent
 * (Fields reference › http.request.cookies).
 */
function parseCookies(header: string): Map<string, string[]> {
  const cookies = new Map<string, string[]>();
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1) continue;
    const name = safeDecode(pair.slice(0, eq).trim());
    if (name === '') continue;
    cookies.set(name, [...(cookies.get(name) ?? []), pair.slice(eq + 1).trim()]);
  }
  return cookies;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
