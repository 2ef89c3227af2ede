import type { ZoneRecord } from '../../../cloudflare/response-schemas.js';

/**
 * Rules per zone in each phase we use, by plan: Single Redirects and Transform Rules alike allow
 * Free 10, Pro 25, Business 50, Enterprise 300 (docs/cloudflare-facts.md#single-redirects).
 */
const QUOTA = { free: 10, pro: 25, business: 50, enterprise: 300 } as const;
export type ZonePlanName = keyof typeof QUOTA;

export interface PlanQuota {
  plan: ZonePlanName;
  quota: number;
  /** The zone did not say its plan in a way we know; the smallest quota is assumed. */
  assumed: boolean;
}

export function planQuota(zone: Pick<ZoneRecord, 'plan'>): PlanQuota {
  const said = `${zone.plan?.legacy_id ?? ''} ${zone.plan?.name ?? ''}`.toLowerCase();
  const plan = (['enterprise', 'business', 'pro', 'free'] as const).find((name) => said.includes(name));
  return plan ? { plan, quota: QUOTA[plan], assumed: false } : { plan: 'free', quota: QUOTA.free, assumed: true };
}
