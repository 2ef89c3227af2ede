import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { runPendingMigrations } from '../../src/database/run-migrations.js';

/** The PostgreSQL server the tests use; each test file gets a fresh database of its own on it. */
export const ADMIN_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  url: string;
  dataSource: DataSource;
  /** Row counts of every table, to prove that a refused command wrote nothing. */
  snapshot(): Promise<Record<string, unknown[]>>;
  drop(): Promise<void>;
}

/** Runs `run` on a connection of its own to the server's admin database, closed afterwards. */
export async function onAdminDatabase<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const name = `cm_test_${randomBytes(6).toString('hex')}`;
  await onAdminDatabase((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  const dataSource = new DataSource(dataSourceOptions({ url: url.toString() }, 4));
  await dataSource.initialize();
  if (options.migrate ?? true) await runPendingMigrations(dataSource);
  return {
    url: url.toString(),
    dataSource,
    async snapshot() {
      const tables = [
        'cloudflare_api_keys',
        'cloudflare_sites',
        'maintenance_logs',
        'scheduled_maintenances',
        'scheduled_maintenance_sites',
        'admin_users',
        'admin_sessions',
        'admin_login_throttle',
        'api_tokens',
        'api_operations',
        'api_operation_sites',
      ];
      const entries = await Promise.all(
        tables.map(async (table) => [table, await dataSource.query(`SELECT * FROM ${table} ORDER BY ${table}::text`)] as const),
      );
      return Object.fromEntries(entries);
    },
    async drop() {
      await dataSource.destroy();
      await onAdminDatabase((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
