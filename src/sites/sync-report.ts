import type { CloudflareSite } from './cloudflare-site.entity.js';
import type { FieldChange } from './zone-sync-plan.js';

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

export const COUNT_NAMES = ['created', 'updated', 'unchanged', 'deactivated', 'failed'] as const;

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

export function summariseKey(report: KeySyncReport): string {
  const counts = COUNT_NAMES.map((name) => `${report[name]} ${name}`).join(', ');
  const shared = report.shared ? `, ${report.shared} left to an earlier key` : '';
  const ending = report.complete ? '' : ', listing incomplete (no site marked vanished)';
  return `API key "${report.apiKey}": ${counts}${shared}; ${report.pages} page(s)${ending}`;
}
