import { type DataSource, MigrationExecutor } from 'typeorm';

// Any constant will do; it only has to be the same in every process of this app.
const MIGRATION_LOCK_KEY = 7_245_001;
const UNDEFINED_TABLE = '42P01';

/**
 * Applies pending migrations in one transaction holding a transaction-scoped advisory lock, so that
 * several processes starting at once (ten CLIs, a server and a CLI) never race to migrate. Session
 * locks are avoided because the embedded database multiplexes every connection onto one session
 * (docs/embedded-database.md#one-session-for-every-connection).
 */
export async function runPendingMigrations(dataSource: DataSource): Promise<string[]> {
  if (await allRecorded(dataSource)) return [];
  const queryRunner = dataSource.createQueryRunner();
  try {
    await queryRunner.startTransaction();
    await queryRunner.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    const executor = new MigrationExecutor(dataSource, queryRunner);
    executor.transaction = 'none';
    const applied = await executor.executePendingMigrations();
    await queryRunner.commitTransaction();
    return applied.map((migration) => migration.name);
  } catch (error) {
    if (queryRunner.isTransactionActive) await queryRunner.rollbackTransaction();
    throw error;
  } finally {
    await queryRunner.release();
  }
}

/**
 * Whether every migration this build knows is already recorded, in one query: the usual case, and the
 * only one in which a CLI command would otherwise pay for a transaction, the lock and TypeORM's own
 * look at the table (five round trips). A table that does not exist yet means a new database.
 */
async function allRecorded(dataSource: DataSource): Promise<boolean> {
  const table = dataSource.driver.escape(dataSource.options.migrationsTableName ?? 'migrations');
  let rows: { name: string }[];
  try {
    rows = await dataSource.query(`SELECT name FROM ${table}`);
  } catch (error) {
    if ((error as { code?: unknown }).code === UNDEFINED_TABLE) return false;
    throw error;
  }
  const recorded = new Set(rows.map((row) => row.name));
  return dataSource.migrations.every((migration) => recorded.has(migration.name ?? migration.constructor.name));
}
