import { isIPv4, isIPv6 } from 'node:net';
import { ValidationError } from './errors.js';

/** Bypass addresses per list (a site's, or MAINTENANCE_BYPASS_IPS); see ACCESS_BOUNDS in sites/site-access.validation.ts. */
export const MAX_BYPASS_IPS = 32;

/** A comma-separated list (or the items of one); an empty item is a mistake, not something to skip. */
export function listItems(raw: string | string[], field: string, label: string): string[] {
  const items = (Array.isArray(raw) ? raw : raw.split(',')).map((item) => item.trim());
  if (items.length === 1 && items[0] === '') {
    throw new ValidationError(`No ${label} given: expected a comma-separated list.`, { field });
  }
  const empty = items.findIndex((item) => item === '');
  if (empty >= 0) {
    throw new ValidationError(`Invalid ${label} list: item ${empty + 1} is empty (two commas, or a comma at an end).`, { field });
  }
  return items;
}

export function dedupe(items: string[]): string[] {
  return items.filter((item, index) => items.indexOf(item) === index);
}

/** Bypass addresses: IPv4/IPv6 addresses and CIDR ranges, canonical, without duplicates. */
export function parseBypassIps(raw: string | string[], field = 'bypassIps'): string[] {
  const ranges = listItems(raw, field, 'bypass IP').map((item) => {
    const checked = checkIpRange(item);
    if ('error' in checked) {
      throw new ValidationError(`Invalid bypass IP: ${checked.error}; host names and ranges written as a-b are not accepted.`, { field });
    }
    if (checked.range.endsWith('/0')) {
      throw new ValidationError(`Invalid bypass IP: "${item.trim()}" is every address; it would let every visitor through.`, { field });
    }
    return checked.range;
  });
  const unique = dedupe(ranges);
  if (unique.length > MAX_BYPASS_IPS) {
    throw new ValidationError(
      `Too many bypass IPs: ${unique.length} given, at most ${MAX_BYPASS_IPS} (use CIDR ranges to cover more addresses).`,
      { field },
    );
  }
  return unique;
}

/**
 * One IPv4/IPv6 address or CIDR range, in the form Cloudflare's Rules language takes inside an
 * `ip.src in {…}` set: canonical (IPv6 lower-case and compressed), the prefix within 0–32 or 0–128,
 * and no host bits set, so that `203.0.113.7/24` is refused with the range it probably meant
 * (docs/input-validation.md#bypass-ip-addresses). Returns the canonical form or the reason.
 */
export function checkIpRange(raw: string): { range: string } | { error: string } {
  const entry = raw.trim();
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIPv4(address) ? 4 : isIPv6(address) && !address.includes('%') ? 6 : undefined;
  if (!family || rest.length > 0) {
    return { error: `"${entry}" is not an IPv4 or IPv6 address or CIDR range (e.g. 203.0.113.7, 203.0.113.0/24, 2001:db8::/32)` };
  }
  const bits = family === 4 ? 32 : 128;
  const canonical = family === 4 ? address : new URL(`http://[${address}]/`).hostname.slice(1, -1);
  if (prefix === undefined) return { range: canonical };
  if (!/^(?:0|[1-9]\d{0,2})$/.test(prefix) || Number(prefix) > bits) {
    return { error: `"${entry}" has an invalid prefix length: an IPv${family} prefix is a whole number from 0 to ${bits}` };
  }
  const length = Number(prefix);
  const value = family === 4 ? ipv4Value(canonical) : ipv6Value(canonical);
  const hostMask = (1n << BigInt(bits - length)) - 1n;
  if ((value & hostMask) !== 0n) {
    const network = formatValue(value & ~hostMask, family);
    return { error: `"${entry}" has host bits set after the /${length} prefix; did you mean ${network}/${length}?` };
  }
  return { range: `${canonical}/${length}` };
}

function ipv4Value(address: string): bigint {
  return address.split('.').reduce((value, octet) => (value << 8n) | BigInt(octet), 0n);
}

/** `address` is in the WHATWG URL's canonical form: compressed, hexadecimal, no embedded IPv4. */
function ipv6Value(address: string): bigint {
  const [head, tail] = address.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups =
    tail === undefined ? headGroups : [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  return groups.reduce((value, group) => (value << 16n) | BigInt(`0x${group}`), 0n);
}

function formatValue(value: bigint, family: 4 | 6): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) => ((value >> shift) & 0xffffn).toString(16));
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}
