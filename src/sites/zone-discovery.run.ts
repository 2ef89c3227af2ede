import { performance } from 'node:perf_hooks';
import pLimit from 'p-limit';
import type { CloudflareApiKey } from '../api-keys/cloudflare-api-key.entity.js';
import { CloudflareApiError } from '../cloudflare/cloudflare-api.error.js';
import type { KeyBoundClient } from '../cloudflare/key-bound-client.js';
import type { ZoneRecord } from '../cloudflare/response-schemas.js';
import type { LogsService } from '../logs/logs.service.js';
import type { MaintenanceLog } from '../logs/maintenance-log.entity.js';
import { parseDomain } from './site-input.validation.js';
import type { MissingSite, NewSyncedSite, SiteSyncStore } from './site-sync.store.js';
import { COUNT_NAMES, type KeySyncReport, summariseKey, type SyncChange, type SyncCounts, type SyncFailure, type SyncOptions, type SyncReport } from './sync-report.js';
import { type ZoneFacts, zoneFacts } from './zone-facts.js';
import { forEachZonePage } from './zone-pages.js';
import { type FieldChange, planZoneSync, siteNameFor } from './zone-sync-plan.js';

interface KeyRun {
  key: CloudflareApiKey;
  client: KeyBoundClient | null;
  report: KeySyncReport;
  log: MaintenanceLog | null;
  startedAt: number;
  errorCode: number | null;
  /** What each page changed or failed, by page number, so that the report lists them in the list's order whatever order pages arrive in. */
  pages: Map<number, PageResults>;
}

interface PageResults {
  changes: SyncChange[];
  failures: SyncFailure[];
}

interface PendingWrite<Row> {
  domain: string;
  row: Row;
  changes: FieldChange[];
}

export interface DiscoveryDependencies {
  store: SiteSyncStore;
  logs: LogsService;
  clientFor(apiKeyId: string): Promise<KeyBoundClient>;
  /** Pages of one key's zone list read at once (SYNC_PAGE_CONCURRENCY). */
  pageConcurrency: number;
}

/**
 * One `sync-cloudflare` run over some keys: its whole state (domains claimed and seen, changes,
 * failures, one report per key) lives here, so each step reads and adds to one object.
 */
export class ZoneDiscoveryRun {
  private readonly startedAt = performance.now();
  /** Domains already handled in this run, by the first key that listed them. */
  private readonly claimed = new Set<string>();
  /** Domains any key listed, whether or not handled. */
  private readonly seen = new Set<string>();
  /** Every change and failure of the run, key after key, each key's in the order of its pages. */
  private readonly results: PageResults = { changes: [], failures: [] };
  private readonly keyRuns: KeyRun[] = [];

  constructor(
    private readonly deps: DiscoveryDependencies,
    private readonly options: SyncOptions,
  ) {}

  async execute(keys: CloudflareApiKey[]): Promise<SyncReport> {
    for (const key of keys) this.keyRuns.push(await this.syncKey(key));
    await this.markVanished();
    for (const keyRun of this.keyRuns) await this.audit(keyRun);
    const reports = this.keyRuns.map((keyRun) => keyRun.report);
    const counts = Object.fromEntries(
      COUNT_NAMES.map((name) => [name, reports.reduce((sum, report) => sum + report[name], 0)]),
    ) as unknown as SyncCounts;
    return {
      dryRun: Boolean(this.options.dryRun),
      force: Boolean(this.options.force),
      ...counts,
      pages: reports.reduce((sum, report) => sum + report.pages, 0),
      statements: this.deps.store.statements,
      durationMs: Math.round(performance.now() - this.startedAt),
      keys: reports,
      changes: this.results.changes,
      failures: this.results.failures,
    };
  }

  private async syncKey(key: CloudflareApiKey): Promise<KeyRun> {
    const keyRun: KeyRun = {
      key,
      client: null,
      pages: new Map(),
      report: { apiKey: key.name, pages: 0, zones: 0, shared: 0, complete: false, error: null, created: 0, updated: 0, unchanged: 0, deactivated: 0, failed: 0 },
      log: this.options.dryRun
        ? null
        : await this.deps.logs.start({ siteId: null, domain: '*', action: 'sync', actor: this.options.actor, reason: `API key "${key.name}"` }),
      startedAt: performance.now(),
      errorCode: null,
    };
    try {
      const client = await this.deps.clientFor(key.id);
      keyRun.client = client;
      await forEachZonePage(client, this.deps.pageConcurrency, (page, zones) => this.syncPage(keyRun, page, zones));
      keyRun.report.complete = true;
      if (!this.options.dryRun) await client.markUsed();
    } catch (error) {
      keyRun.report.error = messageOf(error);
      keyRun.errorCode = error instanceof CloudflareApiError ? error.code : null;
    }
    this.collectPages(keyRun);
    return keyRun;
  }

  /** The key's changes and failures in the order of its pages, as a sequential listing would have found them. */
  private collectPages(keyRun: KeyRun): void {
    for (const page of [...keyRun.pages.keys()].sort((a, b) => a - b)) {
      const { changes, failures } = keyRun.pages.get(page)!;
      this.results.changes.push(...changes);
      this.results.failures.push(...failures);
    }
    keyRun.pages.clear();
  }

  private async syncPage(keyRun: KeyRun, page: number, zones: ZoneRecord[]): Promise<void> {
    const { report } = keyRun;
    report.pages += 1;
    const into: PageResults = { changes: [], failures: [] };
    keyRun.pages.set(page, into);
    await this.syncZones(keyRun, zones, into);
  }

  /**
   * One batch of listed zones: the claims are taken before the first await, so that pages written at the same
   * time never both take one domain; then one SELECT, at most one INSERT and one UPDATE.
   */
  private async syncZones(keyRun: KeyRun, zones: ZoneRecord[], into: PageResults): Promise<void> {
    const { report } = keyRun;
    report.zones += zones.length;
    const listed: { domain: string; facts: ZoneFacts }[] = [];
    for (const zone of zones) {
      let domain: string;
      try {
        domain = parseDomain(zone.name);
      } catch (error) {
        this.fail(keyRun, into, zone.name, error);
        continue;
      }
      this.seen.add(domain);
      if (this.claimed.has(domain)) {
        report.shared += 1;
        continue;
      }
      this.claimed.add(domain);
      listed.push({ domain, facts: zoneFacts(zone) });
    }
    if (listed.length === 0) return;

    const existing = new Map((await this.deps.store.existing(listed.map((zone) => zone.domain))).map((site) => [site.domain, site]));
    const creates: PendingWrite<NewSyncedSite>[] = [];
    const updates: PendingWrite<ZoneFacts & { id: string }>[] = [];
    for (const { domain, facts } of listed) {
      const site = existing.get(domain);
      const step = planZoneSync(site, facts);
      if (step.kind === 'create') {
        creates.push({ domain, row: { name: siteNameFor(domain), domain, ...facts }, changes: creationFields(facts) });
      } else if (step.kind === 'update' || this.options.force) {
        updates.push({ domain, row: { id: site!.id, ...facts }, changes: step.kind === 'update' ? step.changes : [] });
      } else {
        report.unchanged += 1;
      }
    }
    await this.writeCreates(keyRun, into, creates);
    await this.writeUpdates(keyRun, into, updates);
  }

  private async writeCreates(keyRun: KeyRun, into: PageResults, creates: PendingWrite<NewSyncedSite>[]): Promise<void> {
    const inserted = new Set<string>();
    const failed = await this.write(creates, async (rows) => {
      for (const domain of await this.deps.store.insert(keyRun.key.id, rows)) inserted.add(domain);
    });
    for (const create of creates) {
      if (failed.has(create)) this.fail(keyRun, into, create.domain, failed.get(create));
      // Registered meanwhile by `sites add` or a concurrent sync: theirs stands.
      else if (!this.options.dryRun && !inserted.has(create.domain)) keyRun.report.unchanged += 1;
      else this.record(keyRun, into, 'create', create);
    }
  }

  private async writeUpdates(keyRun: KeyRun, into: PageResults, updates: PendingWrite<ZoneFacts & { id: string }>[]): Promise<void> {
    const failed = await this.write(updates, (rows) => this.deps.store.update(rows));
    for (const update of updates) {
      if (failed.has(update)) this.fail(keyRun, into, update.domain, failed.get(update));
      else if (update.changes.length === 0) keyRun.report.unchanged += 1;
      else this.record(keyRun, into, 'update', update);
    }
  }

  /**
   * One statement for the whole batch; if the database refuses it, the rows are retried one by one so that
   * a single bad zone fails alone. Returns the failed writes with their errors.
   */
  private async write<Row>(writes: PendingWrite<Row>[], batch: (rows: Row[]) => Promise<void>): Promise<Map<PendingWrite<Row>, unknown>> {
    const failed = new Map<PendingWrite<Row>, unknown>();
    if (writes.length === 0 || this.options.dryRun) return failed;
    try {
      await batch(writes.map((write) => write.row));
    } catch {
      for (const write of writes) await batch([write.row]).catch((error: unknown) => failed.set(write, error));
    }
    return failed;
  }

  /**
   * Sites of fully listed keys whose domain no key listed in this run; the keys whose listing broke off keep
   * theirs. A zone can slip between two pages when the list shifts while it is read (a zone before it deleted
   * meanwhile), so each such site is first looked up by name with its own key: only a zone Cloudflare no longer
   * has is judged vanished, and one it still has is synced like a listed zone (docs/cloudflare-facts.md#zones-and-pagination).
   */
  private async markVanished(): Promise<void> {
    const complete = this.keyRuns.filter((keyRun) => keyRun.report.complete);
    if (complete.length === 0) return;
    try {
      const { store } = this.deps;
      const missing = await store.findMissing(
        complete.map((keyRun) => keyRun.key.id),
        [...this.seen],
      );
      const gone = await this.confirmGone(complete, missing);
      const vanished = this.options.dryRun || gone.length === 0 ? gone : await store.deactivate(gone.map((site) => site.id));
      for (const site of vanished.sort((a, b) => a.domain.localeCompare(b.domain))) {
        const keyRun = complete.find((candidate) => candidate.key.id === site.apiKeyId)!;
        this.record(keyRun, this.results, 'deactivate', { domain: site.domain, changes: [{ field: 'isActive', from: true, to: false }] });
      }
    } catch (error) {
      for (const keyRun of complete) keyRun.report.error = `could not mark the sites of vanished zones inactive: ${messageOf(error)}`;
    }
  }

  /** The sites whose zone a lookup by name confirms gone; a failed lookup leaves its site alone and fails the key's run. */
  private async confirmGone(complete: KeyRun[], missing: MissingSite[]): Promise<MissingSite[]> {
    const gone: MissingSite[] = [];
    const found = new Map<KeyRun, ZoneRecord[]>();
    const limit = pLimit(this.deps.pageConcurrency);
    await Promise.all(
      missing.map((site) =>
        limit(async () => {
          const keyRun = complete.find((candidate) => candidate.key.id === site.apiKeyId)!;
          try {
            const zone = await keyRun.client!.findZoneByName(site.domain);
            if (zone) found.set(keyRun, [...(found.get(keyRun) ?? []), zone]);
            else gone.push(site);
          } catch (error) {
            keyRun.report.error ??= `could not check whether the zone of ${site.domain} vanished (its site was left as it is): ${messageOf(error)}`;
          }
        }),
      ),
    );
    for (const [keyRun, zones] of found) await this.syncZones(keyRun, zones, this.results);
    return gone;
  }

  private record(keyRun: KeyRun, into: PageResults, action: SyncChange['action'], write: Pick<PendingWrite<unknown>, 'domain' | 'changes'>): void {
    into.changes.push({ action, domain: write.domain, apiKey: keyRun.key.name, fields: write.changes });
    keyRun.report[action === 'create' ? 'created' : action === 'update' ? 'updated' : 'deactivated'] += 1;
  }

  private fail(keyRun: KeyRun, into: PageResults, zone: string, error: unknown): void {
    into.failures.push({ zone, apiKey: keyRun.key.name, message: messageOf(error) });
    keyRun.report.failed += 1;
  }

  private async audit(keyRun: KeyRun): Promise<void> {
    if (!keyRun.log) return;
    const { report } = keyRun;
    const own = this.results.failures.filter((failure) => failure.apiKey === report.apiKey);
    keyRun.log.reason = summariseKey(report);
    await this.deps.logs.complete(keyRun.log, {
      outcome: report.error || report.failed ? 'failed' : 'success',
      durationMs: performance.now() - keyRun.startedAt,
      errorCode: keyRun.errorCode,
      errorMessage:
        [report.error, ...own.slice(0, 5).map((failure) => `${failure.zone}: ${failure.message}`)].filter(Boolean).join('; ') || null,
    });
  }
}

function creationFields(facts: ZoneFacts): FieldChange[] {
  return Object.entries(facts).map(([field, to]) => ({ field: field as keyof ZoneFacts, from: null, to }));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
