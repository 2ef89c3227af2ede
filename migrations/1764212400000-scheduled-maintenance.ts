import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Maintenance windows, one-off or recurring, and what each did to each of its sites. */
export class ScheduledMaintenance1764212400000 implements MigrationInterface {
  name = 'ScheduledMaintenance1764212400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE scheduled_maintenances (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        title varchar(200) NOT NULL,
        description text,
        reason text,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        timezone varchar(64) NOT NULL,
        recurrence varchar(120),
        auto_enable boolean NOT NULL DEFAULT true,
        auto_disable boolean NOT NULL DEFAULT true,
        status varchar(16) NOT NULL DEFAULT 'scheduled'
          CHECK (status IN ('scheduled', 'starting', 'active', 'ending', 'completed', 'cancelled', 'failed', 'missed')),
        actual_start timestamptz,
        actual_end timestamptz,
        created_by varchar(200) NOT NULL,
        claimed_by varchar(200),
        claimed_at timestamptz,
        reminded_for timestamptz,
        last_error text,
        history jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (ends_at > starts_at)
      )`);
    await queryRunner.query(`CREATE INDEX scheduled_maintenances_due ON scheduled_maintenances (status, starts_at)`);
    await queryRunner.query(`
      CREATE TABLE scheduled_maintenance_sites (
        window_id uuid NOT NULL REFERENCES scheduled_maintenances (id) ON DELETE CASCADE,
        site_id uuid NOT NULL REFERENCES cloudflare_sites (id) ON DELETE CASCADE,
        execution varchar(16) NOT NULL DEFAULT 'pending'
          CHECK (execution IN ('pending', 'enabled', 'already_on', 'failed', 'disabled', 'disable_failed', 'kept')),
        detail text,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (window_id, site_id)
      )`);
    await queryRunner.query(`CREATE INDEX scheduled_maintenance_sites_site ON scheduled_maintenance_sites (site_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE scheduled_maintenance_sites`);
    await queryRunner.query(`DROP TABLE scheduled_maintenances`);
  }
}
