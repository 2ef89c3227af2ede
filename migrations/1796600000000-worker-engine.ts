import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The worker engine (issue 14): `worker` joins the engines a site may use. The sites of one account share one
 * Worker script, found by the zone's account id (already a column, filled by zone sync and by the engine).
 */
export class WorkerEngine1796600000000 implements MigrationInterface {
  name = 'WorkerEngine1796600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE cloudflare_sites
        DROP CONSTRAINT cloudflare_sites_engine_check,
        ADD CONSTRAINT cloudflare_sites_engine_check CHECK (engine IN ('page_rules', 'redirect_rule', 'worker'))`);
    await queryRunner.query(`CREATE INDEX cloudflare_sites_account_id ON cloudflare_sites (account_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX cloudflare_sites_account_id`);
    await queryRunner.query(`
      ALTER TABLE cloudflare_sites
        DROP CONSTRAINT cloudflare_sites_engine_check,
        ADD CONSTRAINT cloudflare_sites_engine_check CHECK (engine IN ('page_rules', 'redirect_rule'))`);
  }
}
