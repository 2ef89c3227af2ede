import { type DataSource, MigrationExecutor } from 'typeorm';

// Any constant will do; it only has to be the same in every process of this app.
const MIGRATION_LOCK_KEY = 7_245_001;

/**
 * Applies pending migrations in one transaction holding a transaction-scoped advisory lock, so that
 * several processes starting at once (ten CLIs, a server and a CLI) never race to migrate. Session
 * locks are avoided because the embedded database multiplexes every connection onto one session
 * (docs/embedded-database.md#one-session-for-every-connection).
 */
export async function runPendingMigrations(dataSource: DataSource): Promise<string[]> {
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
