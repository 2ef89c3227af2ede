import { Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import type { CloudflareApiKey } from '../api-keys/cloudflare-api-key.entity.js';
import { CloudflareApiError } from '../cloudflare/cloudflare-api.error.js';
import { CloudflareGateway } from '../cloudflare/cloudflare.gateway.js';
import type { ZoneRecord } from '../cloudflare/response-schemas.js';
import { NotFoundError, ValidationError } from '../common/errors.js';
import type { MaintenanceLog } from '../logs/maintenance-log.entity.js';
import { LogsService } from '../logs/logs.service.js';
import { CloudflareSite } from './cloudflare-site.entity.js';
import { parseDomain } from './site-input.validation.js';
import { type NewSyncedSite, SiteSyncStore } from './site-sync.store.js';
import { type ZoneFacts, zoneFacts } from './sites.service.js';
import { describeChanges, type FieldChange, planZoneSync, siteNameFor, type SyncedSite } from './zone-sync-plan.js';

/** Cloudflare's largest page of zones (DESIGN.md §2). */
const ZONES_PER_PAGE = 50;

export interface SyncOptions {
  /** Only this key's zones; default every active key. */
  apiKeyName?: string;
  /** Also rewrite the facts and last_synced_at of rows that did not change. */
  force?: boolean;
  /** Work out and report every change, write nothing (not even the audit row). */
  dryRun?: boolean;
  actor: string;
}

export interface SyncCounts {
  created: number;
  updated: number;
  unchanged: number;
  deactivated: number;
  failed: number;
}

export interface KeySyncReport extends SyncCounts {
  apiKey: string;
  /** Non-empty pages of zones read. */
  pages: number;
  zones: number;
  /** Zones this key lists that an earlier key of the same run already handled (one site per domain). */
  shared: number;
  /** The listing reached its empty last page; only then may this key's sites be marked as vanished. */
  complete: boolean;
  error: string | null;
}

export interface SyncChange {
  action: 'create' | 'update' | 'deactivate';
  domain: string;
  apiKey: string;
  fields: FieldChange[];
}

export interface SyncFailure {
  zone: string;
  apiKey: string;
  message: string;
}

export interface SyncReport extends SyncCounts {
  dryRun: boolean;
  force: boolean;
  pages: number;
  /** SQL statements the sync itself issued on cloudflare_sites (audit rows and key lookups aside). */
  statements: number;
  durationMs: number;
  keys: KeySyncReport[];
  changes: SyncChange[];
  failures: SyncFailure[];
}

export interface SiteSyncResult {
  domain: string;
  outcome: 'updated' | 'unchanged' | 'deactivated';
  changes: FieldChange[];
  site: CloudflareSite;
}

interface SyncRun {
  options: SyncOptions;
  store: SiteSyncStore;
  /** Domains already handled in this run, by the first key that listed them. */
  claimed: Set<string>;
  /** Domains any key listed, whether or not handled. */
  seen: Set<string>;
  changes: SyncChange[];
  failures: SyncFailure[];
}

interface KeyRun {
  key: CloudflareApiKey;
  report: KeySyncReport;
  log: MaintenanceLog | null;
  startedAt: number;
  errorCode: number | null;
}

interface PendingWrite<Row> {
  domain: string;
  row: Row;
  changes: FieldChange[];
}

const COUNT_NAMES = ['created', 'updated', 'unchanged', 'deactivated', 'failed'] as const;

/**
 * Keeps one site per Cloudflare zone: creates sites for new zones, refreshes what Cloudflare owns, and marks
 * sites whose zone vanished as inactive. The operator's settings are never written (DESIGN.md §3.7).
 */
@Injectable()
export class SiteSyncService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly apiKeys: ApiKeysService,
    private readonly gateway: CloudflareGateway,
    private readonly logs: LogsService,
  ) {}

  private get repository() {
    return this.dataSource.getRepository(CloudflareSite);
  }

  /**
   * Every zone of every active key (or of one), page by page: per page one SELECT, at most one INSERT and one
   * UPDATE, so the statements grow with pages, not zones. One 'sync' audit row per key (site id null, domain '*').
   */
  async syncCloudflare(options: SyncOptions): Promise<SyncReport> {
    const startedAt = performance.now();
    const keys = await this.keysToSync(options.apiKeyName);
    const run: SyncRun = { options, store: new SiteSyncStore(this.dataSource), claimed: new Set(), seen: new Set(), changes: [], failures: [] };
    const keyRuns: KeyRun[] = [];
    for (const key of keys) keyRuns.push(await this.syncKey(run, key));
    await this.markVanished(run, keyRuns);
    for (const keyRun of keyRuns) await this.audit(keyRun, run.failures);

    const reports = keyRuns.map((keyRun) => keyRun.report);
    const counts = Object.fromEntries(
      COUNT_NAMES.map((name) => [name, reports.reduce((sum, report) => sum + report[name], 0)]),
    ) as unknown as SyncCounts;
    return {
      dryRun: Boolean(options.dryRun),
      force: Boolean(options.force),
      ...counts,
      pages: reports.reduce((sum, report) => sum + report.pages, 0),
      statements: run.store.statements,
      durationMs: Math.round(performance.now() - startedAt),
      keys: reports,
      changes: run.changes,
      failures: run.failures,
    };
  }

  /** Refreshes one site's zone facts from Cloudflare, audited with one 'sync' row for the site. */
  async syncSite(site: CloudflareSite, actor = 'system'): Promise<SiteSyncResult> {
    const log = await this.logs.start({ siteId: site.id, domain: site.domain, action: 'sync', actor });
    const startedAt = performance.now();
    try {
      const token = await this.apiKeys.tokenFor(site.apiKeyId);
      const zone = await this.currentZone(token, site);
      const result = zone ? await this.refreshSite(site, zoneFacts(zone)) : await this.markSiteVanished(site);
      log.reason = result.changes.length ? describeChanges(result.changes) : 'no change';
      await this.logs.complete(log, { outcome: 'success', durationMs: performance.now() - startedAt });
      await this.apiKeys.markUsed(site.apiKeyId);
      return result;
    } catch (error) {
      await this.logs.complete(log, {
        outcome: 'failed',
        durationMs: performance.now() - startedAt,
        errorCode: error instanceof CloudflareApiError ? error.code : null,
        errorMessage: messageOf(error),
      });
      throw error;
    }
  }

  private async keysToSync(apiKeyName: string | undefined): Promise<CloudflareApiKey[]> {
    if (apiKeyName !== undefined) {
      const key = await this.apiKeys.findByName(apiKeyName);
      if (!key.isActive) throw new ValidationError(`API key "${key.name}" is deactivated; activate it before syncing its zones.`);
      return [key];
    }
    const keys = await this.apiKeys.listActive();
    if (keys.length === 0) throw new NotFoundError('No active API key to sync: add one with `maintenance api-keys add <name>`.');
    return keys;
  }

  private async syncKey(run: SyncRun, key: CloudflareApiKey): Promise<KeyRun> {
    const keyRun: KeyRun = {
      key,
      report: { apiKey: key.name, pages: 0, zones: 0, shared: 0, complete: false, error: null, created: 0, updated: 0, unchanged: 0, deactivated: 0, failed: 0 },
      log: run.options.dryRun
        ? null
        : await this.logs.start({ siteId: null, domain: '*', action: 'sync', actor: run.options.actor, reason: `API key "${key.name}"` }),
      startedAt: performance.now(),
      errorCode: null,
    };
    try {
      const token = await this.apiKeys.tokenFor(key.id);
      await this.forEachZonePage(token, (zones) => this.syncPage(run, keyRun, zones));
      keyRun.report.complete = true;
      if (!run.options.dryRun) await this.apiKeys.markUsed(key.id);
    } catch (error) {
      keyRun.report.error = messageOf(error);
      keyRun.errorCode = error instanceof CloudflareApiError ? error.code : null;
    }
    return keyRun;
  }

  /**
   * Pages until one comes back empty, as the SDK and Cloudflare define the end (DESIGN.md §2), not by
   * total_pages. The next page is requested while the current one is written.
   */
  private async forEachZonePage(token: string, onPage: (zones: ZoneRecord[]) => Promise<void>): Promise<void> {
    const listed = new Set<string>();
    const request = (page: number) => {
      const pending = this.gateway.listZonesPage(token, page, ZONES_PER_PAGE);
      pending.catch(() => undefined);
      return pending;
    };
    let next = request(1);
    for (let page = 1; ; page += 1) {
      const { zones } = await next;
      if (zones.length === 0) return;
      const fresh = zones.filter((zone) => !listed.has(zone.id));
      if (fresh.length === 0) {
        throw new CloudflareApiError(`Cloudflare answered page ${page} of the zone list with zones it had already listed; the listing was stopped.`, {
          code: null,
          httpStatus: null,
          retryable: false,
        });
      }
      for (const zone of fresh) listed.add(zone.id);
      next = request(page + 1);
      await onPage(fresh);
    }
  }

  private async syncPage(run: SyncRun, keyRun: KeyRun, zones: ZoneRecord[]): Promise<void> {
    const { report } = keyRun;
    report.pages += 1;
    report.zones += zones.length;
    const listed: { domain: string; facts: ZoneFacts }[] = [];
    for (const zone of zones) {
      let domain: string;
      try {
        domain = parseDomain(zone.name);
      } catch (error) {
        this.fail(run, keyRun, zone.name, error);
        continue;
      }
      run.seen.add(domain);
      if (run.claimed.has(domain)) {
        report.shared += 1;
        continue;
      }
      run.claimed.add(domain);
      listed.push({ domain, facts: zoneFacts(zone) });
    }
    if (listed.length === 0) return;

    const existing = new Map((await run.store.existing(listed.map((zone) => zone.domain))).map((site) => [site.domain, site]));
    const creates: PendingWrite<NewSyncedSite>[] = [];
    const updates: PendingWrite<ZoneFacts & { id: string }>[] = [];
    for (const { domain, facts } of listed) {
      const site = existing.get(domain);
      const step = planZoneSync(site, facts);
      if (step.kind === 'create') {
        creates.push({ domain, row: { name: siteNameFor(domain), domain, ...facts }, changes: creationFields(facts) });
      } else if (step.kind === 'update' || run.options.force) {
        updates.push({ domain, row: { id: site!.id, ...facts }, changes: step.kind === 'update' ? step.changes : [] });
      } else {
        report.unchanged += 1;
      }
    }
    await this.writeCreates(run, keyRun, creates);
    await this.writeUpdates(run, keyRun, updates);
  }

  private async writeCreates(run: SyncRun, keyRun: KeyRun, creates: PendingWrite<NewSyncedSite>[]): Promise<void> {
    const inserted = new Set<string>();
    const failed = await this.write(run, creates, async (rows) => {
      for (const domain of await run.store.insert(keyRun.key.id, rows)) inserted.add(domain);
    });
    for (const create of creates) {
      if (failed.has(create)) this.fail(run, keyRun, create.domain, failed.get(create));
      // Registered meanwhile by `sites add` or a concurrent sync: theirs stands.
      else if (!run.options.dryRun && !inserted.has(create.domain)) keyRun.report.unchanged += 1;
      else this.record(run, keyRun, 'create', create);
    }
  }

  private async writeUpdates(run: SyncRun, keyRun: KeyRun, updates: PendingWrite<ZoneFacts & { id: string }>[]): Promise<void> {
    const failed = await this.write(run, updates, (rows) => run.store.update(rows));
    for (const update of updates) {
      if (failed.has(update)) this.fail(run, keyRun, update.domain, failed.get(update));
      else if (update.changes.length === 0) keyRun.report.unchanged += 1;
      else this.record(run, keyRun, 'update', update);
    }
  }

  /**
   * One statement for the whole batch; if the database refuses it, the rows are retried one by one so that
   * a single bad zone fails alone. Returns the failed writes with their errors.
   */
  private async write<Row>(run: SyncRun, writes: PendingWrite<Row>[], batch: (rows: Row[]) => Promise<void>): Promise<Map<PendingWrite<Row>, unknown>> {
    const failed = new Map<PendingWrite<Row>, unknown>();
    if (writes.length === 0 || run.options.dryRun) return failed;
    try {
      await batch(writes.map((write) => write.row));
    } catch {
      for (const write of writes) await batch([write.row]).catch((error: unknown) => failed.set(write, error));
    }
    return failed;
  }

  /** Sites of fully listed keys whose domain no key listed in this run; the keys whose listing broke off keep theirs. */
  private async markVanished(run: SyncRun, keyRuns: KeyRun[]): Promise<void> {
    const complete = keyRuns.filter((keyRun) => keyRun.report.complete);
    if (complete.length === 0) return;
    const ids = complete.map((keyRun) => keyRun.key.id);
    const seen = [...run.seen];
    try {
      const vanished = run.options.dryRun ? await run.store.findMissing(ids, seen) : await run.store.deactivateMissing(ids, seen);
      for (const site of vanished) {
        const keyRun = complete.find((candidate) => candidate.key.id === site.apiKeyId)!;
        this.record(run, keyRun, 'deactivate', { domain: site.domain, changes: [{ field: 'isActive', from: true, to: false }] });
      }
    } catch (error) {
      for (const keyRun of complete) keyRun.report.error = `could not mark the sites of vanished zones inactive: ${messageOf(error)}`;
    }
  }

  private record(run: SyncRun, keyRun: KeyRun, action: SyncChange['action'], write: Pick<PendingWrite<unknown>, 'domain' | 'changes'>): void {
    run.changes.push({ action, domain: write.domain, apiKey: keyRun.key.name, fields: write.changes });
    keyRun.report[action === 'create' ? 'created' : action === 'update' ? 'updated' : 'deactivated'] += 1;
  }

  private fail(run: SyncRun, keyRun: KeyRun, zone: string, error: unknown): void {
    run.failures.push({ zone, apiKey: keyRun.key.name, message: messageOf(error) });
    keyRun.report.failed += 1;
  }

  private async audit(keyRun: KeyRun, failures: SyncFailure[]): Promise<void> {
    if (!keyRun.log) return;
    const { report } = keyRun;
    const own = failures.filter((failure) => failure.apiKey === report.apiKey);
    keyRun.log.reason = summarise(report);
    await this.logs.complete(keyRun.log, {
      outcome: report.error || report.failed ? 'failed' : 'success',
      durationMs: performance.now() - keyRun.startedAt,
      errorCode: keyRun.errorCode,
      errorMessage:
        [report.error, ...own.slice(0, 5).map((failure) => `${failure.zone}: ${failure.message}`)].filter(Boolean).join('; ') || null,
    });
  }

  /** The zone by its id; if Cloudflare no longer knows that id, by name (a zone deleted and added again gets a new id). */
  private async currentZone(token: string, site: CloudflareSite): Promise<ZoneRecord | undefined> {
    if (site.zoneId) {
      try {
        return await this.gateway.getZone(token, site.zoneId);
      } catch (error) {
        if (!isGone(error)) throw error;
      }
    }
    return this.gateway.findZoneByName(token, site.domain);
  }

  private async refreshSite(site: CloudflareSite, facts: ZoneFacts): Promise<SiteSyncResult> {
    const step = planZoneSync(syncedSite(site), facts);
    if (step.kind !== 'update') return { domain: site.domain, outcome: 'unchanged', changes: [], site };
    const reactivate = step.changes.some((change) => change.field === 'isActive');
    await this.repository.update(
      { id: site.id },
      { ...facts, lastSyncedAt: new Date(), ...(reactivate ? { isActive: true, inactiveReason: null } : {}) },
    );
    return { domain: site.domain, outcome: 'updated', changes: step.changes, site: await this.repository.findOneByOrFail({ id: site.id }) };
  }

  private async markSiteVanished(site: CloudflareSite): Promise<SiteSyncResult> {
    const { affected } = await this.repository.update(
      { id: site.id, isActive: true },
      { isActive: false, inactiveReason: 'zone_missing', lastSyncedAt: new Date() },
    );
    const changes: FieldChange[] = affected ? [{ field: 'isActive', from: true, to: false }] : [];
    return {
      domain: site.domain,
      outcome: affected ? 'deactivated' : 'unchanged',
      changes,
      site: await this.repository.findOneByOrFail({ id: site.id }),
    };
  }
}

/** One site's sync, in a sentence. */
export function describeSiteSync(result: SiteSyncResult): string {
  if (result.outcome === 'unchanged') return `${result.domain} is up to date with its zone.`;
  const what = result.outcome === 'deactivated' ? 'its zone is gone from Cloudflare; marked inactive' : describeChanges(result.changes);
  return `${result.domain}: ${what}.`;
}

function syncedSite(site: CloudflareSite): SyncedSite {
  const { id, domain, apiKeyId, isActive, inactiveReason, zoneId, accountId, zoneStatus, zonePaused, zonePlan, pageRuleQuota } = site;
  return { id, domain, apiKeyId, isActive, inactiveReason, zoneId, accountId, zoneStatus, zonePaused, zonePlan, pageRuleQuota };
}

function creationFields(facts: ZoneFacts): FieldChange[] {
  return Object.entries(facts).map(([field, to]) => ({ field: field as keyof ZoneFacts, from: null, to }));
}

/** Cloudflare's answers for a zone id it cannot find: 404, "could not route" (7003), "invalid zone identifier" (1001). */
function isGone(error: unknown): boolean {
  return error instanceof CloudflareApiError && (error.details.httpStatus === 404 || error.code === 7003 || error.code === 1001);
}

function summarise(report: KeySyncReport): string {
  const counts = COUNT_NAMES.map((name) => `${report[name]} ${name}`).join(', ');
  const shared = report.shared ? `, ${report.shared} left to an earlier key` : '';
  const ending = report.complete ? '' : ', listing incomplete (no site marked vanished)';
  return `API key "${report.apiKey}": ${counts}${shared}; ${report.pages} page(s)${ending}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
