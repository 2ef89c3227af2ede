import proxyAddr from 'proxy-addr';

/** Loopback and the private ranges (10/8, 172.16/12, 192.168/16, fc00::/7): a proxy on this host or its network. */
export const DEFAULT_TRUSTED_PROXIES = 'loopback,uniquelocal';

/**
 * TRUSTED_PROXIES as Express's `trust proxy` list: addresses, CIDR ranges or the names `loopback`,
 * `linklocal`, `uniquelocal`, separated by commas, or `none`. Only a request that reaches us from one of them has its
 * X-Forwarded-For and X-Forwarded-Proto believed; the reason when the list cannot be used.
 */
export function parseTrustedProxies(value: string): { proxies: string[] } | { error: string } {
  if (value.trim() === 'none') return { proxies: [] };
  const proxies = value.split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const entry of proxies) {
    try {
      proxyAddr.compile(entry);
    } catch {
      return {
        error: `"${entry}" is not an IP address, a CIDR range (e.g. 10.0.0.0/8) or one of loopback, linklocal, uniquelocal (or the whole value none)`,
      };
    }
  }
  return { proxies };
}
