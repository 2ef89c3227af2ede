import type { ZoneRecord } from '../cloudflare/response-schemas.js';
import type { CloudflareSite } from './cloudflare-site.entity.js';

/**
 * The fields Cloudflare owns, as opposed to the operator's settings (docs/promises.md#settings-belong-to-the-operator),
 * with their columns and SQL types: the one list that sync writes and compares.
 */
export const ZONE_FACT_COLUMNS = {
  zoneId: { column: 'zone_id', type: 'varchar' },
  accountId: { column: 'account_id', type: 'varchar' },
  zoneStatus: { column: 'zone_status', type: 'varchar' },
  zonePaused: { column: 'zone_paused', type: 'boolean' },
  zonePlan: { column: 'zone_plan', type: 'varchar' },
  pageRuleQuota: { column: 'page_rule_quota', type: 'int' },
} as const satisfies Partial<Record<keyof CloudflareSite, { column: string; type: string }>>;

export type ZoneFactField = keyof typeof ZONE_FACT_COLUMNS;
export type ZoneFacts = Pick<CloudflareSite, ZoneFactField>;

export const ZONE_FACT_FIELDS = Object.keys(ZONE_FACT_COLUMNS) as ZoneFactField[];

export function zoneFacts(zone: ZoneRecord): ZoneFacts {
  return {
    zoneId: zone.id,
    accountId: zone.account.id,
    zoneStatus: zone.status ?? null,
    zonePaused: zone.paused ?? null,
    zonePlan: zone.plan?.name ?? null,
    pageRuleQuota: zone.meta?.page_rule_quota ?? null,
  };
}
