/**
 * Cloudflare normalizes incoming URLs before any rule sees them, by default with RFC 3986 normalization
 * (https://developers.cloudflare.com/rules/normalization/how-it-works/, settings: "RFC-3986" and "Normalize
 * incoming URLs: On"). The "cloudflare" type first turns `\` into `/` and merges successive slashes.
 */
export type UrlNormalization = 'rfc3986' | 'cloudflare' | 'none';

export function normalizePath(path: string, type: UrlNormalization): string {
  if (type === 'none') return path;
  const slashes = type === 'cloudflare' ? path.replace(/\\/g, '/').replace(/\/{2,}/g, '/') : path;
  return removeDotSegments(normalizeEncoding(slashes));
}

export function normalizeQuery(query: string, type: UrlNormalization): string {
  return type === 'none' ? query : normalizeEncoding(query);
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;
/** Unreserved and reserved characters stay as they are; `%` starts an escape; any other byte is encoded. */
const KEPT = /[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/;

/** Decodes escaped unreserved characters, upper-cases the other escapes, and encodes literal bytes. */
function normalizeEncoding(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] ?? '';
    const escape = c === '%' ? /^%[0-9A-Fa-f]{2}/.exec(text.slice(i))?.[0] : undefined;
    if (escape) {
      const decoded = String.fromCharCode(parseInt(escape.slice(1), 16));
      out += UNRESERVED.test(decoded) ? decoded : escape.toUpperCase();
      i += 2;
    } else if (KEPT.test(c)) {
      out += c;
    } else {
      out += [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
    }
  }
  return out;
}

/** RFC 3986, section 5.2.4. */
function removeDotSegments(path: string): string {
  let input = path;
  let output = '';
  while (input !== '') {
    if (input.startsWith('../')) input = input.slice(3);
    else if (input.startsWith('./')) input = input.slice(2);
    else if (input.startsWith('/./')) input = input.slice(2);
    else if (input === '/.') input = '/';
    else if (input.startsWith('/../') || input === '/..') {
      input = `/${input.slice(input === '/..' ? 3 : 4)}`;
      output = output.slice(0, Math.max(0, output.lastIndexOf('/')));
    } else if (input === '.' || input === '..') input = '';
    else {
      const next = input.indexOf('/', input.startsWith('/') ? 1 : 0);
      const end = next === -1 ? input.length : next;
      output += input.slice(0, end);
      input = input.slice(end);
    }
  }
  return output;
}
