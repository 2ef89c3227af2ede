import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../src/config/load-config.js';

describe('TRUSTED_PROXIES', () => {
  it('defaults to loopback and the private ranges, and takes addresses, CIDR ranges, names or none', () => {
    expect(loadConfig({}).TRUSTED_PROXIES).toEqual(['loopback', 'uniquelocal']);
    expect(loadConfig({ TRUSTED_PROXIES: ' 10.0.0.0/8, ::1,linklocal ' }).TRUSTED_PROXIES).toEqual(['10.0.0.0/8', '::1', 'linklocal']);
    expect(loadConfig({ TRUSTED_PROXIES: 'none' }).TRUSTED_PROXIES).toEqual([]);
  });

  it('refuses anything else, naming the entry and what is accepted', () => {
    for (const entry of ['proxy.internal', '10.0.0.0/33', '300.1.1.1', 'none']) {
      expect(() => loadConfig({ TRUSTED_PROXIES: `loopback,${entry}` })).toThrow(
        `TRUSTED_PROXIES: "${entry}" is not an IP address, a CIDR range (e.g. 10.0.0.0/8) or one of loopback, linklocal, uniquelocal (or the whole value none)`,
      );
    }
  });
});
