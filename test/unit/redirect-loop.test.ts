import { describe, expect, it } from '@jest/globals';
import { assertNoRedirectLoop, findRedirectLoop } from '../../src/sites/redirect-loop.js';

const allSubdomains = { domain: 'shop.test', includeSubdomains: true, subdomainList: [], maintenanceUrl: null };
const listed = { domain: 'shop.test', includeSubdomains: false, subdomainList: ['www', 'eu.api'], maintenanceUrl: null };

describe('findRedirectLoop: a maintenance URL that the site\'s own rules catch', () => {
  it.each([
    ['the apex, all subdomains covered', allSubdomains, 'https://shop.test/maintenance', '*shop.test/*'],
    ['any subdomain, all subdomains covered', allSubdomains, 'https://status.shop.test/maintenance', '*shop.test/*'],
    ['a deep subdomain, all subdomains covered', allSubdomains, 'http://a.b.shop.test/', '*shop.test/*'],
    ['the apex, only listed subdomains covered', listed, 'https://shop.test/down', 'shop.test/*'],
    ['a listed subdomain', listed, 'https://www.shop.test/down', 'www.shop.test/*'],
    ['a listed two-label subdomain', listed, 'https://eu.api.shop.test/down', 'eu.api.shop.test/*'],
    ['upper case in the URL', allSubdomains, 'https://STATUS.Shop.TEST/maintenance', '*shop.test/*'],
    ['a trailing dot in the URL', listed, 'https://www.shop.test./down', 'www.shop.test/*'],
    ['another port (a rule without a port matches every port)', listed, 'https://shop.test:8443/down', 'shop.test/*'],
    ['any path, query or scheme', listed, 'http://www.shop.test/?site=shop.test#x', 'www.shop.test/*'],
  ])('%s', (_case, site, url, pattern) => {
    expect(findRedirectLoop({ ...site, maintenanceUrl: url }, undefined)).toMatchObject({ pattern, viaPublicUrl: false });
  });

  it('upper case and a trailing dot in the site\'s own settings, as stored by an older version', () => {
    const site = { domain: 'Shop.Test.', includeSubdomains: false, subdomainList: ['WWW'], maintenanceUrl: 'https://www.shop.test/' };
    expect(findRedirectLoop(site, undefined)?.pattern).toBe('www.shop.test/*');
  });

  it('an internationalised domain, whether written in Unicode or punycode on either side', () => {
    const unicodeSite = { domain: 'bücher.test', includeSubdomains: true, subdomainList: [], maintenanceUrl: 'https://status.xn--bcher-kva.test/' };
    const punycodeSite = { domain: 'xn--bcher-kva.test', includeSubdomains: true, subdomainList: [], maintenanceUrl: 'https://status.bücher.test/' };
    expect(findRedirectLoop(unicodeSite, undefined)).toMatchObject({ host: 'status.xn--bcher-kva.test', pattern: '*xn--bcher-kva.test/*' });
    expect(findRedirectLoop(punycodeSite, undefined)).toMatchObject({ host: 'status.xn--bcher-kva.test', pattern: '*xn--bcher-kva.test/*' });
    expect(findRedirectLoop({ ...punycodeSite, maintenanceUrl: 'https://status.buecher.test/' }, undefined)).toBeUndefined();
  });

  it('the default page under PUBLIC_URL, when the site has no URL of its own', () => {
    expect(findRedirectLoop(allSubdomains, 'https://maintenance.shop.test')).toMatchObject({
      url: 'https://maintenance.shop.test',
      host: 'maintenance.shop.test',
      pattern: '*shop.test/*',
      viaPublicUrl: true,
    });
    expect(findRedirectLoop(listed, 'https://WWW.shop.test./base/')).toMatchObject({ pattern: 'www.shop.test/*', viaPublicUrl: true });
    // The site's own URL wins over PUBLIC_URL.
    expect(findRedirectLoop({ ...allSubdomains, maintenanceUrl: 'https://status.example.org/' }, 'https://maintenance.shop.test')).toBeUndefined();
  });

  it.each([
    ['a subdomain that is not listed', listed, 'https://status.shop.test/'],
    ['a deeper name under a listed subdomain', listed, 'https://x.www.shop.test/'],
    ['a name that merely ends like the domain (another zone)', allSubdomains, 'https://myshop.test/'],
    ['another domain', allSubdomains, 'https://status.example.org/shop.test'],
    ['the domain in the path or query only', allSubdomains, 'https://status.example.org/?site=shop.test'],
    ['an IP address', allSubdomains, 'https://192.0.2.1/'],
  ])('no loop: %s', (_case, site, url) => {
    expect(findRedirectLoop({ ...site, maintenanceUrl: url }, undefined)).toBeUndefined();
  });

  it('no loop when there is nowhere to send visitors at all (enable refuses that on its own)', () => {
    expect(findRedirectLoop(allSubdomains, undefined)).toBeUndefined();
  });

  it('assertNoRedirectLoop names the URL and the rule, blamed on the maintenance URL field', () => {
    expect(() => assertNoRedirectLoop({ ...allSubdomains, maintenanceUrl: 'https://status.shop.test/maintenance' }, undefined)).toThrow(
      expect.objectContaining({
        field: 'maintenanceUrl',
        message: expect.stringMatching(
          /^The maintenance URL https:\/\/status\.shop\.test\/maintenance is on status\.shop\.test, which shop\.test's own maintenance rule \*shop\.test\/\* catches: visitors would be redirected to it again and again/,
        ),
      }),
    );
    expect(() => assertNoRedirectLoop(allSubdomains, 'https://maintenance.shop.test')).toThrow(
      /^The default maintenance page under PUBLIC_URL \(https:\/\/maintenance\.shop\.test\) is on maintenance\.shop\.test, which shop\.test's own maintenance rule \*shop\.test\/\* catches/,
    );
    expect(() => assertNoRedirectLoop(listed, 'https://status.shop.test')).not.toThrow();
  });
});
