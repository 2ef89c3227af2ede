import type { DataSource } from 'typeorm';
import { ZONE_FACT_COLUMNS, ZONE_FACT_FIELDS, type ZoneFacts } from './zone-facts.js';
import type { SyncedSite } from './zone-sync-plan.js';

export interface NewSyncedSite extends ZoneFacts {
  name: string;
  domain: string;
}

export interface MissingSite {
  id: string;
  domain: string;
  apiKeyId: string;
}

// Zone facts travel as parallel arrays through unnest(), so that a page of 50 zones is one statement with a
// fixed number of parameters instead of one statement (or 50 × 7 placeholders) per zone.
const FACTS = ZONE_FACT_FIELDS.map((field) => ({ field, ...ZONE_FACT_COLUMNS[field] }));
const FACT_ARRAYS = FACTS.map((fact, index) => `$${index + 2}::${fact.type}[]`).join(', ');
const FACT_COLUMNS = FACTS.map((fact) => fact.column);
const FACT_NAMES = FACT_COLUMNS.join(', ');
const AFTER_FACTS = FACTS.length + 2;

const SITE_COLUMNS = `id, domain, api_key_id AS "apiKeyId", is_active AS "isActive", inactive_reason AS "inactiveReason",
  ${FACTS.map((fact) => `${fact.column} AS "${fact.field}"`).join(', ')}`;

function factArrays(rows: ZoneFacts[]): unknown[] {
  return ZONE_FACT_FIELDS.map((field) => rows.map((row) => row[field]));
}

/**
 * The SQL of one sync run, a few statements per page of zones whatever the page holds, each counted so that
 * the run can report how many it issued. No statement spans a Cloudflare call and none needs a transaction:
 * each is atomic, and a concurrent `sites add` of the same domain is absorbed by ON CONFLICT.
 */
export class SiteSyncStore {
  statements = 0;

  constructor(private readonly dataSource: DataSource) {}

  existing(domains: string[]): Promise<SyncedSite[]> {
    return this.query(`SELECT ${SITE_COLUMNS} FROM cloudflare_sites WHERE domain = ANY($1::varchar[])`, [domains]);
  }

  /** Returns the domains actually inserted; one registered meanwhile by someone else is left alone. */
  async insert(apiKeyId: string, rows: NewSyncedSite[]): Promise<Set<string>> {
    const inserted = await this.query<{ domain: string }>(
      `INSERT INTO cloudflare_sites (name, domain, api_key_id, include_subdomains, ${FACT_NAMES}, last_synced_at)
       SELECT v.name, v.domain, $1::uuid, true, ${FACT_COLUMNS.map((column) => `v.${column}`).join(', ')}, now()
         FROM unnest(${FACT_ARRAYS}, $${AFTER_FACTS}::varchar[], $${AFTER_FACTS + 1}::varchar[]) AS v(${FACT_NAMES}, name, domain)
       ON CONFLICT (domain) DO NOTHING
       RETURNING domain`,
      [apiKeyId, ...factArrays(rows), rows.map((row) => row.name), rows.map((row) => row.domain)],
    );
    return new Set(inserted.map((row) => row.domain));
  }

  /** Writes Cloudflare's facts only; a site deactivated by sync comes back, one deactivated by the operator does not. */
  async update(rows: (ZoneFacts & { id: string })[]): Promise<void> {
    await this.query(
      `UPDATE cloudflare_sites s
          SET ${FACT_COLUMNS.map((column) => `${column} = v.${column}`).join(', ')},
              is_active = CASE WHEN s.inactive_reason = 'zone_missing' THEN true ELSE s.is_active END,
              inactive_reason = CASE WHEN s.inactive_reason = 'zone_missing' THEN NULL ELSE s.inactive_reason END,
              last_synced_at = now(), updated_at = now()
         FROM unnest($1::uuid[], ${FACT_ARRAYS}) AS v(id, ${FACT_NAMES})
        WHERE s.id = v.id`,
      [rows.map((row) => row.id), ...factArrays(rows)],
    );
  }

  /** Active sites of these keys whose domain no key listed. */
  findMissing(apiKeyIds: string[], seenDomains: string[]): Promise<MissingSite[]> {
    return this.query(
      `SELECT id, domain, api_key_id AS "apiKeyId" FROM cloudflare_sites
        WHERE api_key_id = ANY($1::uuid[]) AND is_active AND NOT (domain = ANY($2::varchar[]))`,
      [apiKeyIds, seenDomains],
    );
  }

  /** Marks these sites inactive for a vanished zone, unless the operator deactivated them meanwhile; returns those marked. */
  deactivate(siteIds: string[]): Promise<MissingSite[]> {
    return this.query(
      `UPDATE cloudflare_sites SET is_active = false, inactive_reason = 'zone_missing', last_synced_at = now(), updated_at = now()
        WHERE id = ANY($1::uuid[]) AND is_active
        RETURNING id, domain, api_key_id AS "apiKeyId"`,
      [siteIds],
    );
  }

  private async query<T>(sql: string, parameters: unknown[]): Promise<T[]> {
    this.statements += 1;
    const runner = this.dataSource.createQueryRunner();
    try {
      return (await runner.query(sql, parameters, true)).records as T[];
    } finally {
      await runner.release();
    }
  }
}

