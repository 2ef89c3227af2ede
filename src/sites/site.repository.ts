import { siteIdInScope } from '../access/site-scope-sql.js';
import type { SiteScope } from '../access/site-scope.js';
import { Injectable } from '@nestjs/common';
import type { KeySites } from '../api-keys/key-sites.js';
import { DataSource, type FindOptionsWhere, In } from 'typeorm';
import { currentProcessOwner } from '../common/process-owner.js';
import { shutdownGate } from '../common/shutdown-gate.js';
import { type Alongside, type LogCompletion, type LogSubject, LogsService } from '../logs/logs.service.js';
import type { MaintenanceLog } from '../logs/maintenance-log.entity.js';
import type { PageBranding } from '../maintenance-page/branding.js';
import { CloudflareSite, type MaintenanceState, type OwnedRule } from './cloudflare-site.entity.js';
import { SiteSyncStore } from './site-sync.store.js';
import type { SiteEngine } from './site-engine.js';
import type { ZoneFacts } from './zone-facts.js';

/**
 * A process that crashed mid-operation leaves the site in a transitional state. Its claim can be taken
 * over at once when its owner is known to be gone (same host, pid dead), else after this long without
 * progress (state_changed_at is bumped on every rule we record, so a slow but living operation keeps it).
 */
export const STALE_CLAIM_SECONDS = 600;

export type RuleSettings = Pick<CloudflareSite, 'includeSubdomains' | 'subdomainList' | 'maintenanceUrl'>;

/** Which engine, and who and what it lets through (src/sites/site-access.ts). */
export type AccessSettings = Pick<CloudflareSite, 'engine' | 'bypassIps' | 'bypassSecretCipher' | 'excludedPaths'>;

/** A site as its maintenance page names it. */
export interface SitePageRow {
  id: string;
  domain: string;
  name: string;
  /** The reason given when the site was put into maintenance, while it is in. */
  reason: string | null;
  /** The site's own page branding; null: the global default. */
  branding: PageBranding | null;
}

export interface SiteCounts {
  total: number;
  inMaintenance: number;
  needsReconcile: number;
  busy: number;
  inactive: number;
}

export interface Settlement {
  siteId: string;
  state: 'on' | 'off' | 'needs_reconcile';
  rules: OwnedRule[];
  reason?: string | null;
  /** Saved in the same statement as the rules. */
  settings?: RuleSettings;
  /** The engine whose rules `rules` are, when a settings change switched it (saved with them). */
  engine?: SiteEngine;
}

/**
 * The owner of cloudflare_sites: every query on it is here, or in the zone sync batch it hands out
 * (site-sync.store.ts). The maintenance state changes only by conditional updates (docs/promises.md#idempotent-and-exclusive).
 */
@Injectable()
export class SiteRepository implements KeySites {
  constructor(
    private readonly dataSource: DataSource,
    private readonly logs: LogsService,
  ) {}

  private get repository() {
    return this.dataSource.getRepository(CloudflareSite);
  }

  find(siteId: string): Promise<CloudflareSite | null> {
    return this.repository.findOneBy({ id: siteId });
  }

  findOrFail(siteId: string): Promise<CloudflareSite> {
    return this.repository.findOneByOrFail({ id: siteId });
  }

  findByDomain(domain: string): Promise<CloudflareSite | null> {
    return this.repository.findOneBy({ domain });
  }

  existsByDomain(domain: string): Promise<boolean> {
    return this.repository.existsBy({ domain });
  }

  /** The matching sites, ordered by domain. */
  findWhere(where: FindOptionsWhere<CloudflareSite>): Promise<CloudflareSite[]> {
    return this.repository.find({ where, order: { domain: 'ASC' } });
  }

  list(options: { withApiKey?: boolean } = {}): Promise<CloudflareSite[]> {
    return this.repository.find({ order: { domain: 'ASC' }, relations: options.withApiKey ? { apiKey: true } : {} });
  }

  async knownDomains(domains: string[]): Promise<Set<string>> {
    const rows = await this.repository.find({ select: { domain: true }, where: { domain: In(domains) } });
    return new Set(rows.map((site) => site.domain));
  }

  findByDomains(domains: string[]): Promise<CloudflareSite[]> {
    return this.repository.findBy({ domain: In(domains) });
  }

  /** The domains whose enable or disable this process holds (a server waits for them before it stops). */
  async transitionsClaimedBy(owner: string): Promise<string[]> {
    const held = await this.repository.find({ select: { domain: true }, where: { claimedBy: owner, maintenanceState: In(['enabling', 'disabling']) } });
    return held.map((site) => site.domain);
  }

  /** How many sites name this API key (KeySites, for the key service). */
  countUsingKey(apiKeyId: string): Promise<number> {
    return this.repository.countBy({ apiKeyId });
  }

  insert(site: Partial<CloudflareSite>): Promise<CloudflareSite> {
    return this.repository.save(this.repository.create(site));
  }

  /** Every site, as the maintenance page snapshot holds it (src/maintenance-page/maintenance-page.service.ts). */
  pageRows(): Promise<SitePageRow[]> {
    return this.dataSource.query(`SELECT id, domain, name, CASE maintenance_state WHEN 'on' THEN maintenance_reason END AS reason, page_branding AS branding FROM cloudflare_sites`);
  }

  /** Counted over the sites of `scope` (every site when omitted). */
  async counts(scope?: SiteScope): Promise<SiteCounts> {
    const inScope = siteIdInScope('id', scope, 1);
    const [row]: SiteCounts[] = await this.dataSource.query(
      `SELECT count(*)::int AS total,
              count(*) FILTER (WHERE maintenance_state = 'on')::int AS "inMaintenance",
              count(*) FILTER (WHERE maintenance_state = 'needs_reconcile')::int AS "needsReconcile",
              count(*) FILTER (WHERE maintenance_state IN ('enabling', 'disabling'))::int AS busy,
              count(*) FILTER (WHERE NOT is_active)::int AS inactive
         FROM cloudflare_sites WHERE ${inScope.sql}`,
      inScope.params,
    );
    return row;
  }

  /** The sites (of `scope`) in maintenance the longest, up to `limit`. */
  inMaintenance(limit: number, scope?: SiteScope): Promise<{ id: string; domain: string; since: Date | null; reason: string | null }[]> {
    const inScope = siteIdInScope('id', scope, 2);
    return this.dataSource.query(
      `SELECT id, domain, maintenance_since AS since, maintenance_reason AS reason
         FROM cloudflare_sites WHERE maintenance_state = 'on' AND ${inScope.sql}
        ORDER BY maintenance_since NULLS LAST LIMIT $1`,
      [limit, ...inScope.params],
    );
  }

  /** The batch statements of one zone sync run, counted (site-sync.store.ts). */
  syncStore(): SiteSyncStore {
    return new SiteSyncStore(this.dataSource);
  }

  /** Cloudflare's facts of one site; a site that sync had deactivated for a vanished zone comes back. */
  async refreshFacts(siteId: string, facts: ZoneFacts, reactivate: boolean): Promise<CloudflareSite> {
    await this.repository.update({ id: siteId }, { ...facts, lastSyncedAt: new Date(), ...(reactivate ? { isActive: true, inactiveReason: null } : {}) });
    return this.findOrFail(siteId);
  }

  /**
   * The sites of an account whose share of something the account holds (the worker engine's script) is theirs
   * now: in maintenance or entering it, on `engine` or with a rule recorded under `rulePrefix` (a site switching
   * to that engine records its new rules before it settles); `except` left out. Ordered by id.
   */
  inMaintenanceOfAccount(accountId: string, engine: SiteEngine, rulePrefix: string, except?: string): Promise<CloudflareSite[]> {
    const query = this.repository
      .createQueryBuilder('site')
      .where('site.account_id = :accountId', { accountId })
      .andWhere(`site.maintenance_state IN ('enabling', 'on')`)
      .andWhere(
        `(site.engine = :engine OR EXISTS (SELECT 1 FROM jsonb_array_elements(site.maintenance_rules) AS rule WHERE starts_with(rule->>'target', :rulePrefix)))`,
        { engine, rulePrefix },
      )
      .orderBy('site.id');
    return (except ? query.andWhere('site.id <> :except', { except }) : query).getMany();
  }

  /** The accounts of the sites (of `siteIds`, else of all) that are in maintenance (or entering it) on `engine`. */
  async accountsInMaintenance(engine: SiteEngine, siteIds?: string[]): Promise<string[]> {
    if (siteIds && !siteIds.length) return [];
    const rows: { accountId: string }[] = await this.dataSource.query(
      `SELECT DISTINCT account_id AS "accountId" FROM cloudflare_sites
        WHERE ($2::uuid[] IS NULL OR id = ANY($2::uuid[])) AND engine = $1 AND maintenance_state IN ('enabling', 'on') AND account_id IS NOT NULL`,
      [engine, siteIds ?? null],
    );
    return rows.map((row) => row.accountId);
  }

  /** The account of the site's zone, as the engine just read it (zone sync keeps it too). */
  async rememberAccount(siteId: string, accountId: string): Promise<void> {
    await this.repository.update({ id: siteId }, { accountId });
  }

  /** Marks an active site inactive because its zone is gone; `deactivated` false when it already was inactive. */
  async markZoneMissing(siteId: string): Promise<{ deactivated: boolean; site: CloudflareSite }> {
    const { affected } = await this.repository.update(
      { id: siteId, isActive: true },
      { isActive: false, inactiveReason: 'zone_missing', lastSyncedAt: new Date() },
    );
    return { deactivated: Boolean(affected), site: await this.findOrFail(siteId) };
  }

  /**
   * The operator's settings, saved only while the site is still in `state`; null when it is not
   * (a concurrent enable must not run on half-saved settings). A change of the engine or the access
   * settings carries its audit row, written in the same transaction (never a secret in it).
   */
  async saveSettings(
    siteId: string,
    state: MaintenanceState,
    settings: RuleSettings & AccessSettings & Pick<CloudflareSite, 'name' | 'isActive' | 'inactiveReason' | 'apiKeyId' | 'pageBranding'>,
    audit?: Omit<LogSubject, 'action' | 'siteId'> & { reason: string },
  ): Promise<CloudflareSite | null> {
    const saved = await this.dataSource.transaction(async (manager) => {
      const [rows]: [{ id: string }[], number] = await manager.query(
        `UPDATE cloudflare_sites
            SET name = $3, is_active = $4, inactive_reason = $5, api_key_id = $6,
                include_subdomains = $7, subdomain_list = $8::text[], maintenance_url = $9,
                engine = $10, bypass_ips = $11::text[], bypass_secret_cipher = $12, excluded_paths = $13::text[],
                page_branding = $14::jsonb, updated_at = now()
          WHERE id = $1 AND maintenance_state = $2
          RETURNING id`,
        [
          siteId,
          state,
          settings.name,
          settings.isActive,
          settings.inactiveReason,
          settings.apiKeyId,
          settings.includeSubdomains,
          settings.subdomainList,
          settings.maintenanceUrl,
          settings.engine,
          settings.bypassIps,
          settings.bypassSecretCipher,
          settings.excludedPaths,
          settings.pageBranding === null ? null : JSON.stringify(settings.pageBranding),
        ],
      );
      if (rows.length && audit) await this.logs.settingsChanged({ ...audit, siteId }, manager);
      return rows.length > 0;
    });
    return saved ? this.findOrFail(siteId) : null;
  }

  /** Only a site out of maintenance is deleted, or its rules would stay with nobody to remove them. */
  async removeIfOff(siteId: string): Promise<boolean> {
    const [, deleted]: [unknown, number] = await this.dataSource.query(`DELETE FROM cloudflare_sites WHERE id = $1 AND maintenance_state = 'off'`, [siteId]);
    return Boolean(deleted);
  }

  /**
   * Moves the site from one of `from` (or from a stale or abandoned claim) to `to`, recording this
   * process as the claim's owner, and writes the attempt's pending audit row in the same statement (so the
   * same transaction), so that every claim has its row; null when someone else holds the site. An enable from
   * `off` stores its reason already, so that what the site shows while it enters maintenance (the worker's page) says it.
   */
  async claim(
    siteId: string,
    from: MaintenanceState[],
    to: 'enabling' | 'disabling',
    subject: LogSubject,
    abandonedBy: string | null = null,
  ): Promise<{ site: CloudflareSite; log: MaintenanceLog } | null> {
    shutdownGate.admit(subject.domain);
    const log = await this.logs.startWith(
      {
        sql: `UPDATE cloudflare_sites
                 SET maintenance_state = $3::varchar, claimed_by = $5, state_changed_at = now(), updated_at = now(),
                     maintenance_reason = CASE WHEN $3::varchar = 'enabling' AND maintenance_state = 'off' THEN $7::text ELSE maintenance_reason END
               WHERE id = $1
                 AND (maintenance_state = ANY($2::varchar[])
                      OR (maintenance_state IN ('enabling', 'disabling')
                          AND (state_changed_at < now() - make_interval(secs => $4)
                               OR ($6::varchar IS NOT NULL AND claimed_by = $6::varchar))))
               RETURNING id`,
        params: [siteId, from, to, STALE_CLAIM_SECONDS, currentProcessOwner(), abandonedBy, subject.reason ?? null],
      },
      subject,
    );
    // The claim is ours now: nobody else changes the site's state or rules until we settle it.
    return log ? { site: await this.findOrFail(siteId), log } : null;
  }

  /** Persists each rule as soon as it exists, so that a crash cannot make us forget one. */
  async recordRules(siteId: string, rules: OwnedRule[]): Promise<void> {
    await this.dataSource.query(
      `UPDATE cloudflare_sites SET maintenance_rules = $2::jsonb, state_changed_at = now() WHERE id = $1`,
      [siteId, JSON.stringify(rules)],
    );
  }

  /**
   * Ends a transition and completes its audit row in one statement (so one transaction), so that a crash can
   * never leave a settled site with a pending row or a completed row with an unsettled site.
   */
  finish(settlement: Settlement, log: MaintenanceLog, completion: LogCompletion): Promise<MaintenanceLog> {
    return this.logs.complete(log, completion, settleStatement(settlement));
  }
}

function settleStatement({ siteId, state, rules, reason, settings, engine }: Settlement): Alongside {
  return {
    sql: `UPDATE cloudflare_sites
             SET maintenance_state = $2::varchar,
                 maintenance_rules = $3::jsonb,
                 maintenance_reason = CASE $2::varchar WHEN 'off' THEN NULL WHEN 'on' THEN coalesce($4::text, maintenance_reason)
                                      ELSE maintenance_reason END,
                 maintenance_since = CASE $2::varchar WHEN 'off' THEN NULL WHEN 'on' THEN coalesce(maintenance_since, now())
                                     ELSE maintenance_since END,
                 include_subdomains = CASE WHEN $5::boolean THEN $6::boolean ELSE include_subdomains END,
                 subdomain_list = CASE WHEN $5::boolean THEN $7::text[] ELSE subdomain_list END,
                 maintenance_url = CASE WHEN $5::boolean THEN $8::varchar ELSE maintenance_url END,
                 engine = coalesce($9::varchar, engine),
                 claimed_by = NULL,
                 state_changed_at = now(),
                 updated_at = now()
           WHERE id = $1`,
    params: [
      siteId,
      state,
      JSON.stringify(rules),
      reason ?? null,
      Boolean(settings),
      settings?.includeSubdomains ?? null,
      settings?.subdomainList ?? null,
      settings?.maintenanceUrl ?? null,
      engine ?? null,
    ],
  };
}
