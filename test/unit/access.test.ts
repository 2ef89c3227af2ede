import { describe, expect, it } from '@jest/globals';
import { isRole, roleAllows } from '../../src/access/roles.js';
import { EVERY_SITE, siteInScope } from '../../src/access/site-scope.js';

describe('roles', () => {
  it('gives each role the actions of the roles below it, and no more', () => {
    expect([roleAllows('viewer', 'read'), roleAllows('viewer', 'operate'), roleAllows('viewer', 'administer')]).toEqual([true, false, false]);
    expect([roleAllows('operator', 'read'), roleAllows('operator', 'operate'), roleAllows('operator', 'administer')]).toEqual([true, true, false]);
    expect([roleAllows('admin', 'read'), roleAllows('admin', 'operate'), roleAllows('admin', 'administer')]).toEqual([true, true, true]);
  });

  it('knows only the three roles', () => {
    expect(['viewer', 'operator', 'admin'].every(isRole)).toBe(true);
    expect(['Admin', 'root', '', undefined].some(isRole)).toBe(false);
  });
});

describe('site scope', () => {
  const site = { domain: 'shop.test', apiKeyId: 'key-1' };

  it('lets an unrestricted scope reach every site', () => {
    expect(siteInScope(EVERY_SITE, site)).toBe(true);
  });

  it('matches by domain or by key, and refuses the rest', () => {
    expect(siteInScope({ domains: ['shop.test'], apiKeyIds: [] }, site)).toBe(true);
    expect(siteInScope({ domains: [], apiKeyIds: ['key-1'] }, site)).toBe(true);
    expect(siteInScope({ domains: ['blog.test'], apiKeyIds: ['key-2'] }, site)).toBe(false);
  });
});
