import type { CloudflareSite } from './cloudflare-site.entity.js';
import { ZONE_FACT_FIELDS, type ZoneFacts } from './zone-facts.js';

/** What sync needs to know of a stored site to decide what to do with its zone. */
export type SyncedSite = Pick<CloudflareSite, 'id' | 'domain' | 'apiKeyId' | 'isActive' | 'inactiveReason'> & ZoneFacts;

/** A zone fact's value, or isActive's. */
export type FactValue = string | number | boolean | null;

export interface FieldChange {
  field: keyof ZoneFacts | 'isActive';
  from: FactValue;
  to: FactValue;
}

export type ZoneSyncStep =
  | { kind: 'create' }
  | { kind: 'update'; changes: FieldChange[] }
  | { kind: 'unchanged' };

/** A new site is named after its domain, as `sites add` does; the operator may rename it, and sync never renames it back. */
export function siteNameFor(domain: string): string {
  return domain;
}

/**
 * Compares what Cloudflare says of a zone with the stored site. A site that sync deactivated because its zone
 * had vanished comes back with the zone; one the operator deactivated stays as the operator left it.
 */
export function planZoneSync(existing: SyncedSite | undefined, facts: ZoneFacts): ZoneSyncStep {
  if (!existing) return { kind: 'create' };
  const changes: FieldChange[] = ZONE_FACT_FIELDS.filter((field) => existing[field] !== facts[field]).map((field) => ({
    field,
    from: existing[field],
    to: facts[field],
  }));
  if (!existing.isActive && existing.inactiveReason === 'zone_missing') changes.push({ field: 'isActive', from: false, to: true });
  return changes.length > 0 ? { kind: 'update', changes } : { kind: 'unchanged' };
}

export function describeChanges(changes: FieldChange[]): string {
  return changes.map((change) => `${change.field}: ${show(change.from)} → ${show(change.to)}`).join(', ');
}

function show(value: FactValue | undefined): string {
  return value === null || value === undefined ? '(none)' : String(value);
}
