import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { workerRoutePatterns } from '../../src/maintenance/engines/worker/route-patterns.js';
import { workerSiteEntry, type WorkerSiteInput } from '../../src/maintenance/engines/worker/worker-site-entry.js';

const SECRET = 'Q'.repeat(21) + '_-' + 'z'.repeat(20);
const base: WorkerSiteInput = {
  siteId: '6f1c2b1e-0000-4000-8000-000000000001',
  settings: { domain: 'shop.test', includeSubdomains: true, subdomainList: [] },
  access: { bypassIps: ['203.0.113.0/24'], bypassSecret: SECRET, excludedPaths: ['/.well-known/acme-challenge/'] },
  endsAt: new Date('2026-12-06T03:30:00Z'),
  retryAfterSeconds: 600,
  pages: { default: '<p>back soon</p>', FR: '<p>bientôt</p>' },
};

describe('worker route patterns', () => {
  it('covers the apex and every subdomain with two routes, never with *domain/* (which also matches notshop.test)', () => {
    const patterns = workerRoutePatterns({ domain: 'shop.test', includeSubdomains: true, subdomainList: [] });
    expect(patterns).toEqual(['shop.test/*', '*.shop.test/*']);
    expect(patterns).not.toContain('*shop.test/*');
  });

  it('covers only the apex without subdomains', () => {
    expect(workerRoutePatterns({ domain: 'shop.test', includeSubdomains: false, subdomainList: [] })).toEqual(['shop.test/*']);
  });

  it('covers each listed host once, normalised as the other engines normalise hosts', () => {
    const patterns = workerRoutePatterns({ domain: 'Shop.TEST.', includeSubdomains: false, subdomainList: ['WWW', 'api', 'www'] });
    expect(patterns).toEqual(['shop.test/*', 'api.shop.test/*', 'www.shop.test/*']);
  });

  it('writes an internationalised domain in its ASCII form', () => {
    expect(workerRoutePatterns({ domain: 'bücher.test', includeSubdomains: false, subdomainList: [] })).toEqual(['xn--bcher-kva.test/*']);
  });
});

describe('worker site entry', () => {
  it('holds the SHA-256 of the secret and never the secret', () => {
    const entry = workerSiteEntry(base);
    expect(entry.bypassSecretSha256).toBe(createHash('sha256').update(SECRET).digest('hex'));
    expect(JSON.stringify(entry)).not.toContain(SECRET);
  });

  it('has no hash without a secret', () => {
    expect(workerSiteEntry({ ...base, access: { ...base.access, bypassSecret: null } }).bypassSecretSha256).toBeNull();
  });

  it('holds the hosts, the access, the window end and the pages by lower-case language', () => {
    expect(workerSiteEntry(base)).toEqual({
      siteId: base.siteId,
      domain: 'shop.test',
      hosts: ['shop.test'],
      hostSuffixes: ['.shop.test'],
      bypassIps: ['203.0.113.0/24'],
      bypassSecretSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      excludedPaths: ['/.well-known/acme-challenge/'],
      endsAt: '2026-12-06T03:30:00.000Z',
      retryAfterSeconds: 600,
      pages: { default: '<p>back soon</p>', fr: '<p>bientôt</p>' },
    });
  });

  it('lists exact hosts for listed subdomains, and no suffix', () => {
    const entry = workerSiteEntry({ ...base, settings: { domain: 'shop.test', includeSubdomains: false, subdomainList: ['www'] }, endsAt: null });
    expect(entry).toMatchObject({ hosts: ['shop.test', 'www.shop.test'], hostSuffixes: [], endsAt: null });
  });

  it('refuses pages without a default page, and a default Retry-After that is not a whole positive number', () => {
    expect(() => workerSiteEntry({ ...base, pages: { fr: 'x' } })).toThrow(/no 'default' page \(got fr\)/);
    expect(() => workerSiteEntry({ ...base, retryAfterSeconds: 0 })).toThrow(/at least 1; got 0/);
    expect(() => workerSiteEntry({ ...base, retryAfterSeconds: 1.5 })).toThrow(/whole number/);
  });
});
