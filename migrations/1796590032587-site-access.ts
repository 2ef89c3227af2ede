import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-site maintenance engine and access settings (docs/input-validation.md#site-access): the engine,
 * the staff bypass (an IP list, NULL meaning "use MAINTENANCE_BYPASS_IPS"; a secret encrypted like the API
 * tokens) and the path prefixes never redirected. ACME HTTP-01 challenges are excluded by default.
 */
export class SiteAccess1796590032587 implements MigrationInterface {
  name = 'SiteAccess1796590032587';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE cloudflare_sites
        ADD COLUMN engine varchar(20) NOT NULL DEFAULT 'page_rules'
          CONSTRAINT cloudflare_sites_engine_check CHECK (engine IN ('page_rules', 'redirect_rule')),
        ADD COLUMN bypass_ips text[] NULL,
        ADD COLUMN bypass_secret_cipher text NULL,
        ADD COLUMN excluded_paths text[] NOT NULL DEFAULT '{/.well-known/acme-challenge/}'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE cloudflare_sites
        DROP COLUMN excluded_paths,
        DROP COLUMN bypass_secret_cipher,
        DROP COLUMN bypass_ips,
        DROP COLUMN engine`);
  }
}
