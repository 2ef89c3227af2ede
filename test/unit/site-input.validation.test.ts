import { describe, expect, it } from '@jest/globals';
import { parseDomain, parseMaintenanceUrl, parseSiteName, parseSubdomains, parseZoneId } from '../../src/sites/site-input.validation.js';

describe('site input validation', () => {
  it('normalises valid domains', () => {
    expect(parseDomain(' Example.COM. ')).toBe('example.com');
    expect(parseDomain('bücher.de')).toBe('xn--bcher-kva.de');
    expect(parseDomain('a-b.co.uk')).toBe('a-b.co.uk');
  });

  it.each(['', 'localhost', 'example', '*.example.com', 'http://example.com', 'example.com/path', 'example.com:8080', '1.2.3.4', 'a..com', `${'a'.repeat(64)}.com`, 'ex ample.com'])(
    'rejects the domain %p',
    (domain) => expect(() => parseDomain(domain)).toThrow(/Invalid domain/),
  );

  it('parses subdomain lists, dropping blanks and duplicates', () => {
    expect(parseSubdomains('www, API,www,,eu.shop', 'example.com')).toEqual(['www', 'api', 'eu.shop']);
    expect(() => parseSubdomains('www_1', 'example.com')).toThrow(/Invalid subdomain "www_1"/);
  });

  it('accepts only absolute http(s) URLs with a host', () => {
    expect(parseMaintenanceUrl('https://status.example.com/down?x=1')).toBe('https://status.example.com/down?x=1');
    for (const bad of ['javascript:alert(1)', 'data:text/html,hi', '//example.com/x', 'maintenance.html', 'mailto:a@b.c', 'file:///etc/passwd']) {
      expect(() => parseMaintenanceUrl(bad)).toThrow(/Invalid maintenance URL/);
    }
  });

  it('refuses "$" followed by a digit, which Page Rules replace with a wildcard match; %24 is a literal dollar sign', () => {
    expect(() => parseMaintenanceUrl('https://status.example.com/down?from=$3')).toThrow(/Cloudflare replaces "\$3" in a forwarding URL/);
    expect(() => parseMaintenanceUrl('https://$2/')).toThrow(/Cloudflare replaces "\$2"/);
    expect(() => parseMaintenanceUrl('https://status.example.com/$12/x')).toThrow(/Cloudflare replaces "\$12"/);
    expect(parseMaintenanceUrl('https://status.example.com/down?price=%241&cur=$')).toBe('https://status.example.com/down?price=%241&cur=$');
  });

  it('site names: trimmed, one line of at most 200 characters, blank is none', () => {
    expect(parseSiteName('  Shop (production) ')).toBe('Shop (production)');
    expect(parseSiteName(' ')).toBeNull();
    expect(() => parseSiteName('Shop\u202etxt.exe')).toThrow(/The site name contains U\+202E \(right-to-left override\) at character 5/);
    expect(() => parseSiteName('s'.repeat(201))).toThrow(/at most 200 characters/);
  });

  it('accepts 32-hex zone ids only', () => {
    expect(parseZoneId('023E105F4ECEF8AD9CA31A8372D0C353')).toBe('023e105f4ecef8ad9ca31a8372d0c353');
    expect(() => parseZoneId('zone_123')).toThrow(/Invalid zone id/);
  });
});
