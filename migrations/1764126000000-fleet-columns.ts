import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Zone facts kept by sync, why a site is inactive, and which process holds a claim or a pending log. */
export class FleetColumns1764126000000 implements MigrationInterface {
  name = 'FleetColumns1764126000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE cloudflare_sites
        ADD COLUMN zone_paused boolean,
        ADD COLUMN zone_plan varchar(64),
        ADD COLUMN last_synced_at timestamptz,
        ADD COLUMN inactive_reason varchar(32) CHECK (inactive_reason IN ('operator', 'zone_missing')),
        ADD COLUMN claimed_by varchar(200)`);
    await queryRunner.query(`ALTER TABLE maintenance_logs ADD COLUMN owner varchar(200)`);
    await queryRunner.query(`CREATE INDEX cloudflare_sites_state ON cloudflare_sites (maintenance_state)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX cloudflare_sites_state`);
    await queryRunner.query(`ALTER TABLE maintenance_logs DROP COLUMN owner`);
    await queryRunner.query(`
      ALTER TABLE cloudflare_sites
        DROP COLUMN zone_paused, DROP COLUMN zone_plan, DROP COLUMN last_synced_at,
        DROP COLUMN inactive_reason, DROP COLUMN claimed_by`);
  }
}
