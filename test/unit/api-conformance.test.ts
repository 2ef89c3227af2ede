import { describe, expect, it } from '@jest/globals';
import { openApiDocument } from '../../src/api/openapi.document.js';
import { ApiConformance } from '../support/api-conformance.js';

const conformance = new ApiConformance(openApiDocument());
const site = {
  domain: 'example.com',
  name: 'example.com',
  zoneId: null,
  apiKey: 'primary',
  active: true,
  state: 'off',
  inMaintenance: false,
  since: null,
  reason: null,
  rules: [],
  engine: 'page_rules',
  access: { bypassIps: [], bypassIpsFrom: 'default', bypassSecret: null, excludedPaths: ['/.well-known/acme-challenge/'] },
  pageBranding: { title: 'Back soon', primaryColor: '#ff6600', translations: { fr: { title: 'Bientôt de retour' } } },
};

describe("the check of our API's answers against its OpenAPI document", () => {
  it('passes an answer that conforms', () => {
    expect(conformance.check({ method: 'GET', path: '/api/v1/sites/example.com', status: 200, contentType: 'application/json; charset=utf-8', body: { site } })).toEqual([]);
  });

  it('names what departs from the document', () => {
    const check = (exchange: Partial<Parameters<ApiConformance['check']>[0]>) =>
      conformance.check({ method: 'GET', path: '/api/v1/sites/example.com', status: 200, contentType: 'application/json', body: { site }, ...exchange });
    expect(check({ body: { site: { ...site, state: 'paused' } } })).toEqual([expect.stringContaining('/site/state must be equal to one of the allowed values')]);
    expect(check({ body: { site: { ...site, since: 'yesterday' } } })).toEqual([expect.stringContaining('/site/since must match format "date-time"')]);
    expect(check({ status: 418 })).toEqual([expect.stringContaining('status 418 is not documented')]);
    expect(check({ contentType: 'text/html' })).toEqual([expect.stringContaining('content-type "text/html"')]);
    expect(check({ path: '/api/v1/nothing' })).toEqual([expect.stringContaining('no such operation')]);
    expect(check({ status: 404, contentType: 'application/problem+json', body: { code: 'nope' } })).not.toEqual([]);
  });
});
