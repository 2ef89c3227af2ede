import { describe, it, expect } from '@jest/globals';
import {
  hostPatternInZone,
  matchesTarget,
  targetHost,
  wildcardCount,
} from '../support/fake-cloudflare/target-match.js';

describe('Page Rule target matching', () => {
  it.each([
    ['*example.com/*', 'https://example.com/', true],
    ['*example.com/*', 'http://a.b.example.com/x', true],
    ['*example.com/*', 'https://www.example.com/path?q=1', true],
    ['*example.com/*', 'https://example.org/', false],
    ['example.com/*', 'https://example.com/', true],
    ['example.com/*', 'http://example.com/deep/path', true],
    ['example.com/*', 'https://www.example.com/', false],
    ['*.example.com/*', 'https://www.example.com/', true],
    ['*.example.com/*', 'https://a.b.example.com/x', true],
    ['*.example.com/*', 'https://example.com/', false],
    ['www.example.com/*', 'https://shop.example.com/', false],
  ])('%s against %s → %s', (pattern, url, expected) => {
    expect(matchesTarget(pattern, url)).toBe(expected);
  });

  it('a pattern without a scheme matches http and https; an explicit scheme only that one', () => {
    expect(matchesTarget('example.com/*', 'http://example.com/a')).toBe(true);
    expect(matchesTarget('example.com/*', 'https://example.com/a')).toBe(true);
    expect(matchesTarget('https://example.com/*', 'http://example.com/a')).toBe(false);
    expect(matchesTarget('https://example.com/*', 'https://example.com/a')).toBe(true);
  });

  it('http*:// matches both schemes', () => {
    expect(matchesTarget('http*://example.com/*', 'http://example.com/')).toBe(true);
    expect(matchesTarget('http*://example.com/*', 'https://example.com/')).toBe(true);
    expect(matchesTarget('http*://example.com/*', 'ftp://example.com/')).toBe(false);
  });

  it('a wildcard may match the empty string, the host is case-insensitive, the path is not', () => {
    expect(matchesTarget('example.com/blog*', 'https://example.com/blog')).toBe(true);
    expect(matchesTarget('example.com/*', 'https://EXAMPLE.com/')).toBe(true);
    expect(matchesTarget('example.com/Blog/*', 'https://example.com/blog/x')).toBe(false);
  });

  it('a pattern without a path means the root only', () => {
    expect(matchesTarget('example.com', 'https://example.com/')).toBe(true);
    expect(matchesTarget('example.com', 'https://example.com/page')).toBe(false);
  });

  it('regex metacharacters in a pattern are literal', () => {
    expect(matchesTarget('example.com/a+b', 'https://example.com/a+b')).toBe(true);
    expect(matchesTarget('example.com/a+b', 'https://example.com/aab')).toBe(false);
  });

  it('an unparsable URL matches nothing', () => {
    expect(matchesTarget('*', 'not a url')).toBe(false);
  });

  it('extracts the host of a pattern and tells whether it stays inside a zone', () => {
    expect(targetHost('https://WWW.Example.com:443/x/*')).toBe('www.example.com');
    expect(targetHost('*example.com')).toBe('*example.com');
    expect(hostPatternInZone('*example.com', 'example.com')).toBe(true);
    expect(hostPatternInZone('*.example.com', 'example.com')).toBe(true);
    expect(hostPatternInZone('example.com', 'example.com')).toBe(true);
    expect(hostPatternInZone('badexample.com', 'example.com')).toBe(false);
    expect(hostPatternInZone('example.org', 'example.com')).toBe(false);
    expect(wildcardCount('*a*b*c*d*')).toBe(5);
  });
});
