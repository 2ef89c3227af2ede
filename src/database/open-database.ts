import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/config.schema.js';
import { embeddedUnavailable, postgresUnavailable } from './database-unavailable.error.js';
import { openEmbeddedDatabase, type EmbeddedRole } from './embedded/index.js';
import { dataSourceOptions, type DatabaseTarget } from './data-source-options.js';
import { runPendingMigrations } from './run-migrations.js';

export interface OpenDatabase {
  dataSource: DataSource;
  embedded: boolean;
  /** Where the data source connects, for a connection of one's own (a LISTEN). */
  target: DatabaseTarget;
  close(): Promise<void>;
}

/**
 * PostgreSQL when DATABASE_URL is set, else the embedded PGlite database under DATA_DIR. A failure to
 * connect names where (host and port, or the folder) and what to check.
 */
export async function openDatabase(config: AppConfig, role: EmbeddedRole): Promise<OpenDatabase> {
  const unavailable = (error: unknown) =>
    config.DATABASE_URL ? postgresUnavailable(config.DATABASE_URL, error) : embeddedUnavailable(config.DATA_DIR, error);
  const embedded = config.DATABASE_URL
    ? undefined
    : await openEmbeddedDatabase({ dataDir: config.DATA_DIR, role }).catch((error: unknown) => {
        throw unavailable(error);
      });
  const target: DatabaseTarget = config.DATABASE_URL ? { url: config.DATABASE_URL } : embedded!.connection;
  const dataSource = new DataSource(dataSourceOptions(target, poolSize(config, role)));
  try {
    await dataSource.initialize().catch((error: unknown) => {
      throw unavailable(error);
    });
    if (config.DB_AUTO_MIGRATE) await runPendingMigrations(dataSource);
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.close();
    throw error;
  }
  return {
    dataSource,
    embedded: Boolean(embedded),
    target,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.close();
    },
  };
}

/** PostgreSQL connections open at most; pg opens them only when they are needed and closes them when idle. */
const MAX_BULK_POOL = 32;

/**
 * At least one connection per site a bulk run works on at once (BULK_CONCURRENCY, up to MAX_BULK_POOL): each
 * site's claim, budget and settlement statements would otherwise wait for a connection while others run
 * (docs/rate-limits.md#bulk-runs). PGlite serves every connection on its one session, so more would not help there.
 */
function poolSize(config: AppConfig, role: EmbeddedRole): number {
  const base = role === 'cli' ? 4 : 10;
  return config.DATABASE_URL ? Math.max(base, Math.min(config.BULK_CONCURRENCY, MAX_BULK_POOL)) : base;
}
