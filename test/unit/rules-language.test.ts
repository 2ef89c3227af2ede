import { describe, expect, it } from '@jest/globals';
import {
  evaluateExpression,
  parseExpression,
  parseValueExpression,
  RulesSyntaxError,
  type RulesRequest,
} from '../support/rules-language/index.js';

const VISITOR: RulesRequest = { host: 'shop.test', path: '/', ip: '198.51.100.7' };

function matches(expression: string, request: Partial<RulesRequest> = {}): boolean {
  return evaluateExpression(expression, { ...VISITOR, ...request });
}

/** The RulesSyntaxError the expression raises (fails the test when it parses). */
function refusal(expression: string): RulesSyntaxError {
  try {
    parseExpression(expression);
  } catch (error) {
    if (error instanceof RulesSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected ${expression} to be refused`);
}

describe('Rules language: logical operators and precedence', () => {
  const T = 'http.host eq "shop.test"';
  const F = 'http.host eq "other.test"';

  it('binds not tighter than and, and tighter than xor, and xor tighter than or', () => {
    // Without precedence (left to right) each of these would give the opposite answer.
    expect(matches(`${T} or ${T} and ${F}`)).toBe(true); // T or (T and F)
    expect(matches(`not ${F} and ${F}`)).toBe(false); // (not F) and F
    expect(matches(`${T} xor ${T} and ${F}`)).toBe(true); // T xor (T and F)
    expect(matches(`${T} or ${T} xor ${T}`)).toBe(true); // T or (T xor T)
    expect(matches(`${F} and ${T} or ${T}`)).toBe(true); // (F and T) or T
  });

  it('lets parentheses override precedence, nested at any depth', () => {
    expect(matches(`(${T} or ${T}) and ${F}`)).toBe(false);
    expect(matches(`not (${F} or ${T})`)).toBe(false);
    expect(matches(`((${T}) and ((${F}) or (${T})))`)).toBe(true);
  });

  it('accepts the C-like notation as the same operators', () => {
    expect(matches(`${T} || ${T} && ${F}`)).toBe(matches(`${T} or ${T} and ${F}`));
    expect(matches(`!${F} && ${T}`)).toBe(true);
    expect(matches(`${T} ^^ ${T}`)).toBe(false);
    expect(matches('http.host == "shop.test" && http.request.uri.path != "/health"', { path: '/health' })).toBe(false);
  });

  it('treats true and ssl as boolean expressions of their own', () => {
    expect(matches('true')).toBe(true);
    expect(matches('ssl')).toBe(true);
    expect(matches('not ssl', { scheme: 'http' })).toBe(true);
  });
});

describe('Rules language: string literals', () => {
  // A header, not the URL: Cloudflare percent-encodes quotes and backslashes in the URL before rules see it.
  const header = (value: string) => ({ headers: { 'x-q': value } });

  it('reads \\" and \\\\ as a quote and a backslash', () => {
    expect(matches('http.request.headers["x-q"][0] eq "q=\\"a\\\\b\\""', header('q="a\\b"'))).toBe(true);
    expect(matches('http.request.headers["x-q"][0] eq "q=\\"a\\\\b\\""', header('q="a\\\\b"'))).toBe(false);
  });

  it('reads raw strings without escapes, with as many # as needed', () => {
    expect(matches('http.request.headers["x-q"][0] eq r"a\\b"', header('a\\b'))).toBe(true);
    expect(matches('http.request.headers["x-q"][0] eq r#"say "hi""#', header('say "hi"'))).toBe(true);
  });

  it('compares strings case-sensitively, and http.host arrives lower-cased', () => {
    expect(matches('http.request.uri.path eq "/Admin"', { path: '/admin' })).toBe(false);
    expect(matches('http.host eq "shop.test"', { host: 'SHOP.Test' })).toBe(true);
    expect(matches('lower(http.request.uri.path) eq "/admin"', { path: '/ADMIN' })).toBe(true);
  });

  it('refuses any other escape, and an unterminated string', () => {
    expect(refusal('http.host eq "a\\nb"').reason).toMatch(/invalid escape/);
    expect(refusal('http.host eq "shop.test').reason).toMatch(/unterminated string/);
    expect(refusal('http.host eq r#"shop.test"').reason).toMatch(/unterminated raw string/);
  });
});

describe('Rules language: IP addresses and CIDR blocks', () => {
  const ALLOW = 'ip.src in {203.0.113.0/24 2001:db8::/32 192.0.2.10}';

  it('matches an IPv4 address inside a block, and not its neighbour just outside', () => {
    expect(matches(ALLOW, { ip: '203.0.113.0' })).toBe(true);
    expect(matches(ALLOW, { ip: '203.0.113.255' })).toBe(true);
    expect(matches(ALLOW, { ip: '203.0.114.0' })).toBe(false);
    expect(matches(ALLOW, { ip: '203.0.112.255' })).toBe(false);
  });

  it('matches an IPv6 address inside a block, and not its neighbour just outside', () => {
    expect(matches(ALLOW, { ip: '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff' })).toBe(true);
    expect(matches(ALLOW, { ip: '2001:0db8::1' })).toBe(true);
    expect(matches(ALLOW, { ip: '2001:db9::' })).toBe(false);
    expect(matches(ALLOW, { ip: '2001:db7:ffff::1' })).toBe(false);
  });

  it('matches single addresses exactly, and never across families', () => {
    expect(matches(ALLOW, { ip: '192.0.2.10' })).toBe(true);
    expect(matches(ALLOW, { ip: '192.0.2.11' })).toBe(false);
    expect(matches('ip.src in {0.0.0.0/0}', { ip: '2001:db8::1' })).toBe(false);
    expect(matches('ip.src in {::/0}', { ip: '203.0.113.1' })).toBe(false);
    expect(matches('ip.src eq 2001:db8::1', { ip: '2001:0db8:0:0:0:0:0:1' })).toBe(true);
    expect(matches('ip.src ne 203.0.113.1', { ip: '203.0.113.1' })).toBe(false);
  });

  it('takes explicit ranges and mixed forms in one set', () => {
    const set = 'ip.src in {198.51.100.3..198.51.100.7 ::ffff:10.0.0.1}';
    expect(matches(set, { ip: '198.51.100.7' })).toBe(true);
    expect(matches(set, { ip: '198.51.100.8' })).toBe(false);
    expect(matches(set, { ip: '::ffff:10.0.0.1' })).toBe(true);
  });

  it('refuses malformed addresses, prefixes and a CIDR outside a set', () => {
    expect(refusal('ip.src in {203.0.113.0/33}').reason).toMatch(/not a valid IP address or CIDR/);
    expect(refusal('ip.src in {203.0.113}').reason).toMatch(/not a valid IP address or CIDR/);
    expect(refusal('ip.src in {2001:db8:::1}').reason).toMatch(/not a valid IP address or CIDR/);
    expect(refusal('ip.src in {"203.0.113.1"}').reason).toMatch(/expected an IP address/);
    expect(refusal('ip.src eq 203.0.113.0/24').reason).toMatch(/only be used with "in/);
    expect(refusal('ip.src in {198.51.100.7..198.51.100.3}').reason).toMatch(/lower first/);
  });
});

describe('Rules language: sets and comparisons', () => {
  it('finds a host in a set of strings, and nothing that only looks alike', () => {
    const hosts = 'http.host in {"shop.test" "www.shop.test"}';
    expect(matches(hosts)).toBe(true);
    expect(matches(hosts, { host: 'www.shop.test' })).toBe(true);
    expect(matches(hosts, { host: 'notshop.test' })).toBe(false);
    expect(matches(hosts, { host: 'shop.test.evil.com' })).toBe(false);
  });

  it('covers subdomains with ends_with on a dot, not a bare suffix', () => {
    const subdomains = 'ends_with(http.host, ".shop.test")';
    expect(matches(subdomains, { host: 'a.b.shop.test' })).toBe(true);
    expect(matches(subdomains, { host: 'notshop.test' })).toBe(false);
    expect(matches(subdomains, { host: 'shop.test.evil.com' })).toBe(false);
  });

  it('compares numbers from len(), in sets with ranges', () => {
    expect(matches('len(http.request.uri.path) in {1 5..7}', { path: '/abcd' })).toBe(true);
    expect(matches('len(http.request.uri.path) in {1 6..7}', { path: '/abcd' })).toBe(false);
    expect(matches('len(http.request.uri.path) gt 4', { path: '/abcd' })).toBe(true);
  });

  it('matches whole values with wildcard (case-insensitive) and strict wildcard (case-sensitive)', () => {
    expect(matches('http.request.full_uri wildcard "https://SHOP.test/a/*"', { path: '/a/b', query: 'x=1' })).toBe(
      true,
    );
    expect(matches('http.request.full_uri strict wildcard "https://SHOP.test/a/*"', { path: '/a/b' })).toBe(false);
    expect(matches('http.request.uri.path wildcard "/a/*"', { path: '/ab/' })).toBe(false);
    expect(matches('http.request.uri.path wildcard r"/a\\*"', { path: '/a*' })).toBe(true);
    expect(matches('http.request.uri.path wildcard r"/a\\*"', { path: '/ab' })).toBe(false);
  });

  it('searches with matches and contains', () => {
    expect(matches('http.request.uri.path matches "^/api/v[0-9]+/"', { path: '/api/v2/x' })).toBe(true);
    expect(matches('http.request.uri.path matches "^/a\\.b$"', { path: '/axb' })).toBe(false);
    expect(matches('http.request.uri.path matches "^/a\\.b$"', { path: '/a.b' })).toBe(true);
    expect(matches('http.request.uri.path contains "/webhooks/"', { path: '/api/webhooks/x' })).toBe(true);
  });
});

describe('Rules language: the URL as rules see it, normalized', () => {
  const health = 'starts_with(http.request.uri.path, "/health")';

  it('applies RFC 3986 normalization by default, as Cloudflare does before any rule', () => {
    expect(matches(health, { path: '/%68ealth' })).toBe(true);
    expect(matches(health, { path: '/api/../health' })).toBe(true);
    expect(matches(health, { path: '/./health/x' })).toBe(true);
    expect(matches('http.request.uri.path eq "/a%2Fb"', { path: '/a%2fb' })).toBe(true);
    expect(matches('http.request.uri.path eq "/caf%C3%A9"', { path: '/café' })).toBe(true);
    expect(matches('http.request.uri.query eq "q=a-b"', { query: 'q=a%2Db' })).toBe(true);
    // RFC 3986 keeps a doubled slash; only the "cloudflare" type merges them.
    expect(matches(health, { path: '//health' })).toBe(false);
  });

  it('merges slashes and turns backslashes around with the cloudflare type, and leaves the path alone with none', () => {
    expect(matches(health, { path: '//health', urlNormalization: 'cloudflare' })).toBe(true);
    expect(matches(health, { path: '/\\health', urlNormalization: 'cloudflare' })).toBe(true);
    expect(matches(health, { path: '/api/../health', urlNormalization: 'none' })).toBe(false);
  });
});

describe('Rules language: cookies and headers', () => {
  const withCookie = { cookie: 'theme=dark; cf_bypass=S3cret; theme=light' };

  it('reads the raw cookie header and the parsed cookies map', () => {
    expect(matches('http.cookie contains "cf_bypass=S3cret"', withCookie)).toBe(true);
    expect(matches('http.cookie contains "cf_bypass=s3cret"', withCookie)).toBe(false);
    expect(matches('http.request.cookies["cf_bypass"][0] eq "S3cret"', withCookie)).toBe(true);
    expect(matches('any(http.request.cookies["theme"][*] eq "light")', withCookie)).toBe(true);
    expect(matches('all(http.request.cookies["theme"][*] eq "light")', withCookie)).toBe(false);
  });

  it('looks headers up by lower-case name, whatever the case they were sent in', () => {
    const request = { headers: { 'X-Maintenance-Bypass': 'S3cret', Accept: 'text/html' } };
    expect(matches('any(http.request.headers["x-maintenance-bypass"][*] eq "S3cret")', request)).toBe(true);
    expect(matches('http.request.headers["x-maintenance-bypass"][0] eq "S3cret"', request)).toBe(true);
    expect(matches('any(lower(http.request.headers.names[*])[*] eq "accept")', request)).toBe(true);
    expect(matches('http.request.headers["X-Maintenance-Bypass"][0] eq "S3cret"', request)).toBe(false);
  });

  it('makes every comparison on a missing value false, so not of it is true', () => {
    expect(matches('http.request.cookies["cf_bypass"][0] eq "S3cret"')).toBe(false);
    expect(matches('not http.request.cookies["cf_bypass"][0] eq "S3cret"')).toBe(true);
    expect(matches('http.request.headers["x-none"][0] ne "a"')).toBe(false);
    expect(matches('any(http.request.headers["x-none"][*] eq "a")')).toBe(false);
  });
});

describe('Rules language: what Cloudflare refuses', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['an unclosed parenthesis', '(http.host eq "shop.test"', /unbalanced parentheses/],
    ['a stray closing parenthesis', 'http.host eq "shop.test")', /unrecognised input/],
    ['a parenthesis closing nothing', ') or http.host eq "a"', /unbalanced parentheses/],
    ['an unclosed function call', 'starts_with(http.request.uri.path, "/a"', /never closed|expected "," or "\)"/],
    ['an unclosed set', 'http.host in {"a" "b"', /unbalanced braces/],
    ['an unknown field', 'http.hostname eq "shop.test"', /unknown identifier "http.hostname"/],
    ['an unknown function', 'upper_case(http.host) eq "A"', /unknown function "upper_case"/],
    ['an unknown operator', 'http.host equals "shop.test"', /unknown operator "equals"/],
    ['an operator in capitals', 'http.host EQ "shop.test"', /unknown operator "EQ"/],
    ['ends_with as an operator', 'http.host ends_with ".shop.test"', /unknown operator "ends_with"/],
    ['an operator the type does not take', 'ip.src contains "203"', /does not apply to field ip.src/],
    ['an ordering on an IP', 'ip.src gt 203.0.113.1', /does not apply to field ip.src/],
    ['a literal on the left', '"shop.test" eq http.host', /literal cannot stand on the left/],
    ['a field that is not a boolean', 'http.host', /expected a boolean/],
    ['[*] outside any() or all()', 'http.request.headers["a"][*] eq "b"', /expected a boolean.*any\(\) or all\(\)/],
    ['an array compared whole', 'http.request.headers["a"] eq "b"', /\[0\]/],
    ['a map compared whole', 'http.request.cookies eq "b"', /look a name up first/],
    ['a literal as the source of ends_with', 'ends_with("a.shop.test", ".shop.test")', /must be a string field/],
    ['a field as the suffix of ends_with', 'ends_with(http.host, http.host)', /must be a string literal/],
    ['a wrong number of arguments', 'starts_with(http.host)', /takes 2 arguments/],
    ['commas between set values', 'http.host in {"a", "b"}', /separated by spaces/],
    ['an empty set', 'http.host in {}', /at least one value/],
    ['a named list', 'ip.src in $office', /named lists/],
    ['** in a wildcard', 'http.request.uri.path wildcard "/a/**"', /"\*\*" is not allowed/],
    ['an invalid regex', 'http.request.uri.path matches "(a"', /invalid regular expression/],
    ['an empty expression', '   ', /unexpected end/],
    ['a dangling and', 'http.host eq "a" and', /unexpected end/],
    ['a missing value', 'http.host eq', /expected a quoted string/],
  ];

  it.each(cases)('refuses %s', (_what, expression, reason) => {
    const error = refusal(expression);
    expect(error).toBeInstanceOf(RulesSyntaxError);
    expect(error.reason).toMatch(reason);
    expect(error.message).toMatch(/^Filter parsing error \(\d+:\d+\): /);
  });

  it('says where the problem is, as line:column', () => {
    expect(refusal('http.host eq "a" and\n  http.hots eq "b"').message).toMatch(
      /^Filter parsing error \(2:3\): unknown identifier/,
    );
  });

  it('parses value expressions for dynamic targets, and only string ones', () => {
    expect(parseValueExpression('concat("https://status.test", http.request.uri.path)').type).toBe('string');
    expect(() => parseValueExpression('len(http.host)')).toThrow(RulesSyntaxError);
  });
});
