import { isIPv4, isIPv6 } from 'node:net';

/** An address, or a CIDR block: `bits` is the prefix length (32 or 128 for a single address). */
export interface IpRange {
  version: 4 | 6;
  /** The network address, host bits cleared. */
  base: bigint;
  bits: number;
}

export interface IpAddress {
  version: 4 | 6;
  value: bigint;
}

/** Parses `203.0.113.7`, `2001:db8::1`, or with `/prefix`; undefined when it is neither. */
export function parseIpRange(text: string): IpRange | undefined {
  const [address = '', prefix, extra] = text.split('/');
  if (extra !== undefined) return undefined;
  const parsed = parseIpAddress(address);
  if (!parsed) return undefined;
  const width = parsed.version === 4 ? 32 : 128;
  if (prefix !== undefined && !/^\d{1,3}$/.test(prefix)) return undefined;
  const bits = prefix === undefined ? width : Number(prefix);
  if (bits > width) return undefined;
  return { version: parsed.version, base: parsed.value & mask(bits, width), bits };
}

export function parseIpAddress(text: string): IpAddress | undefined {
  if (isIPv4(text)) {
    const value = text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
    return { version: 4, value };
  }
  if (isIPv6(text)) return { version: 6, value: ipv6Value(text) };
  return undefined;
}

/** An IPv4 address is never inside an IPv6 block nor the reverse (no IPv4-mapped equivalence). */
export function ipInRange(ip: IpAddress, range: IpRange): boolean {
  if (ip.version !== range.version) return false;
  const width = ip.version === 4 ? 32 : 128;
  return (ip.value & mask(range.bits, width)) === range.base;
}

function mask(bits: number, width: number): bigint {
  if (bits === 0) return 0n;
  const all = (1n << BigInt(width)) - 1n;
  return (all >> BigInt(width - bits)) << BigInt(width - bits);
}

function ipv6Value(text: string): bigint {
  let body = text;
  const tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (v4?.[1]) {
    const parts = v4[1].split('.').map(Number);
    tail.push(((parts[0] ?? 0) << 8) | (parts[1] ?? 0), ((parts[2] ?? 0) << 8) | (parts[3] ?? 0));
    body = body.slice(0, -v4[1].length).replace(/:$/, '') || ':';
    if (body.endsWith(':') && !body.endsWith('::')) body += ':';
  }
  const [head = '', rest] = body.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const restGroups = rest === undefined || rest === '' ? [] : rest.split(':');
  const missing = 8 - tail.length - headGroups.length - restGroups.length;
  const groups = [
    ...headGroups.map((g) => parseInt(g, 16)),
    ...(rest === undefined ? [] : new Array<number>(missing).fill(0)),
    ...restGroups.map((g) => parseInt(g, 16)),
    ...tail,
  ];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}
