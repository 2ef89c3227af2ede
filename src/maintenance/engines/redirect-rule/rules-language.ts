/**
 * Building blocks of Cloudflare's Rules language for the expressions we emit
 * (docs/cloudflare-facts.md#rules-language): string literals in double quotes with `\` escaping `"` and
 * `\`, IP addresses and CIDR ranges unquoted in a `{…}` set separated by spaces.
 */
export function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function stringSet(values: readonly string[]): string {
  return `{${values.map(quote).join(' ')}}`;
}

/** Addresses and CIDRs are validated before they are stored; anything else here is a bug, not input. */
export function ipSet(values: readonly string[]): string {
  for (const value of values) {
    if (!/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(value)) throw new Error(`not an IP address or CIDR range: ${JSON.stringify(value)}`);
  }
  return `{${values.join(' ')}}`;
}
