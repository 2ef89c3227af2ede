import { describe, it, expect } from '@jest/globals';
import { openApiToJsonSchema, validateRequest, validateResponse } from '../support/openapi-conformance.js';

const ZONE = '023e105f4ecef8ad9ca31a8372d0c353';
const RULE = '9a7806061c88ada191ed06f989cc3dac';
const TARGETS = [{ target: 'url', constraint: { operator: 'matches', value: '*example.com/*' } }];
const ACTIONS = [{ id: 'forwarding_url', value: { url: 'https://maintenance.example.net/', status_code: 302 } }];

const pageRule = {
  id: RULE,
  targets: TARGETS,
  actions: ACTIONS,
  priority: 1,
  status: 'active',
  created_on: '2024-01-01T00:00:00.000Z',
  modified_on: '2024-01-01T00:00:00.000Z',
};

const zone = {
  id: ZONE,
  name: 'example.com',
  development_mode: 0,
  owner: { id: ZONE, type: 'user' },
  account: { id: ZONE, name: 'Acme' },
  meta: { page_rule_quota: 3 },
  name_servers: ['ada.ns.cloudflare.com'],
  original_name_servers: null,
  original_registrar: null,
  original_dnshost: null,
  created_on: '2024-01-01T00:00:00.000Z',
  modified_on: '2024-01-01T00:00:00.000Z',
  activated_on: null,
};

const failure = { success: false, errors: [{ code: 1004, message: 'Page Rule validation failed' }], messages: [], result: null };

describe('validateRequest', () => {
  it('accepts a well-formed Page Rule creation', () => {
    const problems = validateRequest({
      method: 'POST',
      path: `/zones/${ZONE}/pagerules`,
      body: { targets: TARGETS, actions: ACTIONS, status: 'active', priority: 10 },
      contentType: 'application/json',
    });
    expect(problems).toEqual([]);
  });

  it('flags a status outside the enum', () => {
    const problems = validateRequest({
      method: 'POST',
      path: `/zones/${ZONE}/pagerules`,
      body: { targets: TARGETS, actions: ACTIONS, status: 'on' },
    });
    expect(problems.some((p) => p.includes('/status') && p.includes('allowed values'))).toBe(true);
  });

  it('flags a missing required property', () => {
    const problems = validateRequest({ method: 'POST', path: `/zones/${ZONE}/pagerules`, body: { actions: ACTIONS } });
    expect(problems.some((p) => p.includes("must have required property 'targets'"))).toBe(true);
  });

  it('flags a target pattern the spec does not allow, and a non-integer priority', () => {
    const targets = [{ target: 'url', constraint: { operator: 'matches', value: 'not a url' } }];
    const problems = validateRequest({
      method: 'PUT',
      path: `/zones/${ZONE}/pagerules/${RULE}`,
      body: { targets, actions: ACTIONS, priority: 1.5 },
    });
    expect(problems.some((p) => p.includes('/targets/0/constraint/value'))).toBe(true);
    expect(problems.some((p) => p.includes('/priority must be integer'))).toBe(true);
  });

  it('coerces query parameters and checks their bounds', () => {
    expect(validateRequest({ method: 'GET', path: '/zones', query: { page: '2', per_page: '50' } })).toEqual([]);
    const problems = validateRequest({ method: 'GET', path: '/zones', query: { per_page: '100', direction: 'up' } });
    expect(problems.some((p) => p.includes('/per_page must be <= 50'))).toBe(true);
    expect(problems.some((p) => p.includes('/direction'))).toBe(true);
  });

  it('flags undeclared query parameters', () => {
    const problems = validateRequest({ method: 'GET', path: `/zones/${ZONE}/pagerules`, query: { page: '1' } });
    expect(problems).toEqual([expect.stringContaining('query parameter "page" is not declared')]);
  });

  it('flags a path parameter longer than the spec allows', () => {
    const problems = validateRequest({ method: 'GET', path: `/zones/${ZONE}${ZONE}` });
    expect(problems.some((p) => p.includes('path parameter zone_id'))).toBe(true);
  });

  it('treats a path or method missing from the spec as a violation', () => {
    expect(validateRequest({ method: 'GET', path: '/zones/x/dns_records' })).toEqual([
      expect.stringContaining('no such path'),
    ]);
    expect(validateRequest({ method: 'POST', path: `/zones/${ZONE}` })).toEqual([
      expect.stringContaining('method not in the OpenAPI spec'),
    ]);
  });

  it('tolerates a leading /client/v4 and a DELETE without body', () => {
    expect(validateRequest({ method: 'DELETE', path: `/client/v4/zones/${ZONE}/pagerules/${RULE}` })).toEqual([]);
  });

  it('prefers a literal path segment over a template one', () => {
    expect(validateRequest({ method: 'GET', path: `/zones/${ZONE}/pagerules/settings` })).toEqual([]);
  });
});

describe('validateResponse', () => {
  const create = { method: 'POST', path: `/zones/${ZONE}/pagerules` };

  it('accepts a success envelope with a rule', () => {
    const body = { success: true, errors: [], messages: [], result: pageRule };
    expect(validateResponse(create, { status: 200, body, contentType: 'application/json' })).toEqual([]);
  });

  it('flags an envelope missing success', () => {
    const problems = validateResponse(create, { status: 200, body: { errors: [], messages: [], result: pageRule } });
    expect(problems.some((p) => p.includes("required property 'success'"))).toBe(true);
  });

  it('checks failures against the failure envelope, whatever the 4XX status', () => {
    expect(validateResponse(create, { status: 400, body: failure })).toEqual([]);
    expect(validateResponse(create, { status: 429, body: failure })).toEqual([]);
    const problems = validateResponse(create, { status: 400, body: { ...failure, result: {} } });
    expect(problems.some((p) => p.includes('/result'))).toBe(true);
  });

  it('checks an undocumented 5xx against the error envelope', () => {
    expect(validateResponse(create, { status: 503, body: failure })).toEqual([]);
    expect(validateResponse(create, { status: 503, body: { oops: true } }).length).toBeGreaterThan(0);
  });

  it('flags an undocumented success status', () => {
    expect(validateResponse(create, { status: 201, body: {} })).toEqual([
      expect.stringContaining('not documented'),
    ]);
  });

  it('applies nullable and required zone fields', () => {
    const list = { method: 'GET', path: '/zones' };
    const ok = { success: true, errors: [], messages: [], result: [zone], result_info: { page: 1, per_page: 20, count: 1, total_count: 1 } };
    expect(validateResponse(list, { status: 200, body: ok })).toEqual([]);
    const { meta: _meta, ...withoutMeta } = zone;
    const bad = { ...ok, result: [{ ...withoutMeta, activated_on: 'yesterday' }] };
    const problems = validateResponse(list, { status: 200, body: bad });
    expect(problems.some((p) => p.includes("required property 'meta'"))).toBe(true);
    expect(problems.some((p) => p.includes('/activated_on must match format "date-time"'))).toBe(true);
  });

  it('flags a non-JSON content type', () => {
    const body = { success: true, errors: [], messages: [], result: { id: 'x', status: 'active' } };
    const problems = validateResponse({ method: 'GET', path: '/user/tokens/verify' }, { status: 200, body, contentType: 'text/html' });
    expect(problems).toEqual([expect.stringContaining('not application/json')]);
  });
});

describe('OpenAPI 3.0 to JSON Schema translation', () => {
  const schema = {
    type: 'object',
    required: ['id', 'name', 'secret'],
    example: { id: 'x' },
    'x-cfPlanAvailability': { free: true },
    properties: {
      id: { type: 'string', readOnly: true },
      name: { type: 'string', nullable: true, enum: ['a', 'b'] },
      secret: { type: 'string', writeOnly: true },
      meta: { nullable: true, properties: { n: { type: 'integer' } } },
    },
  };

  it('does not require readOnly properties in requests, nor writeOnly ones in responses', () => {
    expect(openApiToJsonSchema(schema, 'request', {}).required).toEqual(['name', 'secret']);
    expect(openApiToJsonSchema(schema, 'response', {}).required).toEqual(['id', 'name']);
  });

  it('turns nullable into a null type (and enum member), and drops annotations', () => {
    const out = openApiToJsonSchema(schema, 'response', {});
    expect(out.properties.name).toEqual({ type: ['string', 'null'], enum: ['a', 'b', null] });
    expect(out.properties.meta).toEqual({ anyOf: [{ properties: { n: { type: 'integer' } } }, { type: 'null' }] });
    expect(out).not.toHaveProperty('example');
    expect(out).not.toHaveProperty('x-cfPlanAvailability');
  });
});

describe('the rulesets part of the spec', () => {
  const RULESET = '2f2feab2026849078ba485f918791bdc';
  const rulesPath = `/zones/${ZONE}/rulesets/${RULESET}/rules`;
  const redirect = {
    action: 'redirect',
    expression: 'http.host eq "example.com"',
    action_parameters: { from_value: { target_url: { value: 'https://maintenance.example.net/' }, status_code: 302 } },
  };

  it('accepts each documented position, and refuses one giving two', () => {
    for (const position of [{ before: '' }, { after: RULE }, { index: 1 }]) {
      expect(validateRequest({ method: 'POST', path: rulesPath, body: { ...redirect, position } })).toEqual([]);
    }
    expect(validateRequest({ method: 'POST', path: rulesPath, body: { ...redirect, position: { before: '', after: '' } } })).not.toEqual([]);
  });

  it('takes a redirect target as a value or an expression, not both', () => {
    const withTarget = (target_url: object) => ({ ...redirect, action_parameters: { from_value: { target_url } } });
    expect(validateRequest({ method: 'POST', path: rulesPath, body: withTarget({ expression: 'http.host' }) })).toEqual([]);
    expect(validateRequest({ method: 'POST', path: rulesPath, body: withTarget({ value: 'https://a.test/', expression: 'http.host' }) })).not.toEqual([]);
  });

  it('does not require the read-only id of a ruleset in a PUT of the entry point', () => {
    const path = `/zones/${ZONE}/rulesets/phases/http_request_dynamic_redirect/entrypoint`;
    expect(validateRequest({ method: 'PUT', path, body: { rules: [redirect] } })).toEqual([]);
    expect(validateRequest({ method: 'PUT', path, body: { rules: 'none' } })).not.toEqual([]);
  });

  it('takes the add operation of response header rules (an erratum to the subset)', () => {
    const rewrite = (operation: string) => ({
      action: 'rewrite',
      expression: 'true',
      action_parameters: { headers: { 'set-cookie': { operation, value: 'a=b' } } },
    });
    expect(validateRequest({ method: 'POST', path: rulesPath, body: rewrite('add') })).toEqual([]);
    expect(validateRequest({ method: 'POST', path: rulesPath, body: rewrite('append') })).not.toEqual([]);
  });

  it('accepts a ruleset answer whose errors are [] (a deep-equality enum)', () => {
    const body = {
      success: true,
      errors: [],
      messages: [],
      result: {
        id: RULESET,
        name: 'default',
        kind: 'zone',
        version: '1',
        last_updated: '2024-01-01T00:00:00.000Z',
        phase: 'http_request_dynamic_redirect',
        rules: [],
      },
    };
    expect(validateResponse({ method: 'GET', path: `/zones/${ZONE}/rulesets/${RULESET}` }, { status: 200, body })).toEqual([]);
    const withError = { ...body, errors: [{ code: 1, message: 'x' }] };
    expect(validateResponse({ method: 'GET', path: `/zones/${ZONE}/rulesets/${RULESET}` }, { status: 200, body: withError })).not.toEqual([]);
  });
});
