import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The request budget per API token, shared by every process on this database (docs/rate-limits.md).
 * Keyed by a SHA-256 digest of the token, never the token. Times are milliseconds since the epoch on the
 * database's clock, so processes on hosts with different clocks agree. UNLOGGED: a statement per Cloudflare
 * request should not wait for a WAL flush, and a budget lost in a crash only means starting afresh (a
 * 429, if any, teaches it again).
 */
export class CloudflareRateBudgets1796156957687 implements MigrationInterface {
  name = 'CloudflareRateBudgets1796156957687';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE UNLOGGED TABLE cloudflare_rate_budgets (
        token_digest char(64) PRIMARY KEY,
        sent_at double precision[] NOT NULL DEFAULT '{}',
        paused_until double precision NOT NULL DEFAULT 0,
        scale double precision NOT NULL DEFAULT 1 CHECK (scale > 0 AND scale <= 1),
        scaled_at double precision NOT NULL DEFAULT 0,
        learned_limit integer CHECK (learned_limit >= 1),
        learned_window_ms integer CHECK (learned_window_ms >= 1),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE cloudflare_rate_budgets`);
  }
}
