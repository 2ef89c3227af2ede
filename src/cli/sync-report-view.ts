import type { SyncChange, SyncReport } from '../sites/site-sync.service.js';
import { describeChanges } from '../sites/zone-sync-plan.js';
import { inline, table } from './cli-output.js';

const LISTED_CHANGES_LIMIT = 100;

const MARKS: Record<SyncChange['action'], string> = { create: '+ create', update: '~ update', deactivate: '- deactivate' };

const DESCRIBE: Record<SyncChange['action'], (change: SyncChange) => string> = {
  create: (change) => `new site, ${change.fields.map((field) => `${field.field} ${String(field.to)}`).join(', ')}`,
  update: (change) => describeChanges(change.fields),
  deactivate: () => 'its zone is no longer in Cloudflare; marked inactive (zone_missing)',
};

function line(mark: string, zone: string, apiKey: string, what: string): string {
  return `${mark.padEnd(13)}${inline(zone)} (key ${inline(apiKey)}): ${inline(what)}`;
}

/**
 * A dry run lists every change it would make. A real run lists deactivations and failures always, since they
 * want attention, and creations and updates when there are not too many of them to read (--json has them all).
 */
export function renderSyncReport(report: SyncReport): string {
  const listAll = report.dryRun || report.changes.length <= LISTED_CHANGES_LIMIT;
  const shown = listAll ? report.changes : report.changes.filter((change) => change.action === 'deactivate');
  const lines = [
    ...(report.dryRun ? ['Dry run: nothing was written. These changes would be made:'] : []),
    ...shown.map((change) => line(MARKS[change.action], change.domain, change.apiKey, DESCRIBE[change.action](change))),
    ...(listAll ? [] : [`(${report.changes.length - shown.length} creations and updates not listed; --json lists every change)`]),
    ...report.failures.map((failure) => line('! failed', failure.zone, failure.apiKey, failure.message)),
    table(
      ['API key', 'Pages', 'Zones', 'Created', 'Updated', 'Unchanged', 'Deactivated', 'Failed', 'Listing'],
      report.keys.map((key) => [
        key.apiKey,
        key.pages,
        key.zones,
        key.created,
        key.updated,
        key.unchanged,
        key.deactivated,
        key.failed,
        key.complete ? (key.shared ? `complete (${key.shared} left to an earlier key)` : 'complete') : `failed: ${key.error}`,
      ]),
    ),
    `${report.dryRun ? 'Would have: ' : ''}${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged, ` +
      `${report.deactivated} deactivated, ${report.failed} failed (${report.pages} page(s) of zones, ${report.statements} SQL statements, ${report.durationMs} ms).`,
  ];
  return lines.join('\n');
}
