import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { BulkReport } from '../../src/maintenance/bulk-operations.service.js';
import { MaintenanceLog } from '../../src/logs/maintenance-log.entity.js';
import { CloudflareSite } from '../../src/sites/cloudflare-site.entity.js';
import { runCli } from '../support/run-cli.js';
import { givenSite } from '../support/scenario.js';
import { serviceSuite } from '../support/service-suite.js';
import { TEST_PUBLIC_URL } from '../support/test-context.js';
import { ADMIN_DATABASE_URL, onAdminDatabase } from '../support/test-database.js';

/**
 * PostgreSQL goes away in the middle of `enable --all` over 200 sites: every backend connection of the
 * test database is terminated and new ones are refused for a moment. The run must name the sites it could
 * not finish and exit 1; once the database is back, `reconcile` leaves every site consistent with its zone.
 */

const suite = serviceSuite();
const SITES = 200;
const OUTAGE_MS = 1500;

/** Refuses new connections to the database, terminates every one it has, and allows them again after `ms`. */
async function outage(database: string, ms: number): Promise<number> {
  return onAdminDatabase(async (client) => {
    await client.query(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS false`);
    const { rows } = await client.query(
      `SELECT pg_terminate_backend(pid) AS gone FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [database],
    );
    await new Promise((resolve) => setTimeout(resolve, ms));
    await client.query(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS true`);
    return rows.length;
  });
}

/** Polls from a connection of its own; null while the database refuses it. */
async function sitesOn(database: string): Promise<number | null> {
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${database}`;
  const own = new pg.Client({ connectionString: url.toString() });
  try {
    await own.connect();
    const { rows } = await own.query(`SELECT count(*)::int AS on FROM cloudflare_sites WHERE maintenance_state = 'on'`);
    return rows[0].on as number;
  } catch {
    return null;
  } finally {
    await own.end().catch(() => {});
  }
}

describe('PostgreSQL goes away in the middle of a bulk enable', () => {
  it('names the sites it could not finish, exits 1, and reconcile then leaves every site consistent', async () => {
    const zones = new Map<string, string>();
    for (let index = 0; index < SITES; index += 1) {
      const domain = `db-loss-${String(index).padStart(3, '0')}.com`;
      zones.set(domain, (await givenSite(suite.ctx, suite.fake, domain)).zone.id);
    }
    const database = new URL(suite.db.url).pathname.slice(1);
    suite.fake.setLatency(30);

    const run = runCli(['enable', '--all', '--reason', 'db loss', '--json'], { env: suite.env });
    for (;;) {
      const on = await sitesOn(database);
      if (on !== null && on >= 20) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const terminated = await outage(database, OUTAGE_MS);
    const result = await run;
    suite.fake.setLatency(0);

    expect(terminated).toBeGreaterThan(0);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 1, stderr: '' });
    const report = JSON.parse(result.stdout) as BulkReport;
    expect(report.counts.total).toBe(SITES);
    const failed = report.results.filter((site) => site.outcome === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(report.counts.failed).toBe(failed.length);
    for (const site of failed) {
      expect({ domain: zones.has(site.domain), message: site.message.length > 0 }).toEqual({ domain: true, message: true });
    }
    // The report agrees with the audit trail: a site is reported failed only if its attempt did not succeed.
    const succeeded = new Set(
      (await suite.db.dataSource.getRepository(MaintenanceLog).findBy({ action: 'enable', outcome: 'success' })).map((log) => log.domain),
    );
    const doneYetFailed = failed.filter((site) => succeeded.has(site.domain)).map((site) => `${site.domain}: ${site.message}`);
    expect(doneYetFailed).toEqual([]);
    expect(report.results.filter((site) => site.outcome === 'done' && !succeeded.has(site.domain))).toEqual([]);
    const unfinished = await suite.db.dataSource.getRepository(CloudflareSite).countBy([{ maintenanceState: 'enabling' }]);
    const pending = await suite.db.dataSource.getRepository(MaintenanceLog).countBy({ outcome: 'pending' });

    const reconciled = await runCli(['reconcile', '--json'], { env: suite.env });
    expect({ code: reconciled.code, stderr: reconciled.stderr }).toEqual({ code: 0, stderr: '' });

    const sites = await suite.db.dataSource.getRepository(CloudflareSite).find();
    const contradictions: string[] = [];
    for (const site of sites) {
      const ours = suite.fake
        .pageRules(zones.get(site.domain)!)
        .filter((rule) => JSON.stringify(rule.actions).includes(`${TEST_PUBLIC_URL}/maintenance?site=${site.domain}`))
        .map((rule) => rule.id);
      const recorded = site.maintenanceRules.map((rule) => rule.id);
      const agrees =
        site.maintenanceState === 'on' ? ours.length === 1 && recorded.join() === ours.join() : site.maintenanceState === 'off' && !ours.length && !recorded.length;
      if (!agrees) contradictions.push(`${site.domain}: ${site.maintenanceState}, recorded [${recorded.join()}], zone [${ours.join()}]`);
    }
    expect(contradictions).toEqual([]);
    expect(await suite.db.dataSource.getRepository(MaintenanceLog).countBy({ outcome: 'pending' })).toBe(0);
    const on = sites.filter((site) => site.maintenanceState === 'on').length;
    console.log(
      `database loss: ${terminated} backends terminated, ${OUTAGE_MS} ms without connections; enable --all of ${SITES}: ` +
        `${report.counts.done} done, ${failed.length} failed (named), ${unfinished} left enabling and ${pending} audit rows pending before reconcile; ` +
        `after reconcile ${on} on, ${SITES - on} off, 0 contradictions, 0 pending. First failure: ${failed[0].domain}: ${failed[0].message}`,
    );
  });
});
