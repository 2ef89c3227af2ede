import type { FakeZone, ZonePlan } from './types.js';

const PLANS: Record<ZonePlan, { id: string; name: string; price: number; frequency: string }> = {
  free: { id: '0feeeeeeeeeeeeeeeeeeeeeeeeeeeeee', name: 'Free Website', price: 0, frequency: '' },
  pro: { id: '94f3b7b768b0458b56d2cac4fe5ec0f9', name: 'Pro Website', price: 20, frequency: 'monthly' },
  business: { id: '6c8a9d0c1f7a4e3b8d2e5f6a7b8c9d0e', name: 'Business Website', price: 200, frequency: 'monthly' },
  enterprise: { id: '4b2e8a3c5d7f9e1a2b4c6d8e0f1a3b5c', name: 'Enterprise Website', price: 0, frequency: 'monthly' },
};

/** A zone as `GET /zones` and `GET /zones/{id}` return it, with every field the OpenAPI schema requires. */
export function apiZone(zone: FakeZone): Record<string, unknown> {
  const plan = PLANS[zone.plan];
  return {
    id: zone.id,
    name: zone.name,
    status: zone.status,
    paused: zone.paused,
    type: 'full',
    development_mode: 0,
    name_servers: ['ada.ns.cloudflare.com', 'bob.ns.cloudflare.com'],
    original_name_servers: null,
    original_registrar: null,
    original_dnshost: null,
    vanity_name_servers: [],
    created_on: zone.createdOn,
    modified_on: zone.modifiedOn,
    activated_on: zone.status === 'active' ? zone.createdOn : null,
    meta: {
      step: 2,
      custom_certificate_quota: 0,
      page_rule_quota: zone.pageRuleQuota,
      phishing_detected: false,
    },
    owner: { id: zone.accountId, type: 'organization', name: zone.accountName },
    account: { id: zone.accountId, name: zone.accountName },
    tenant: { id: null, name: null },
    tenant_unit: { id: null },
    permissions: ['#zone:read', '#zone:edit'],
    plan: {
      ...plan,
      currency: 'USD',
      is_subscribed: zone.plan !== 'free',
      can_subscribe: false,
      legacy_id: zone.plan,
      legacy_discount: false,
      externally_managed: false,
    },
  };
}
