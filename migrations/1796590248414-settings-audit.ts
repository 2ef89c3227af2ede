import type { MigrationInterface, QueryRunner } from 'typeorm';

/** An audit row for a change of a site's engine or access settings (who changed the bypass; never the secret). */
export class SettingsAudit1796590248414 implements MigrationInterface {
  name = 'SettingsAudit1796590248414';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE maintenance_logs DROP CONSTRAINT maintenance_logs_action_check`);
    await queryRunner.query(`
      ALTER TABLE maintenance_logs ADD CONSTRAINT maintenance_logs_action_check
        CHECK (action IN ('enable', 'disable', 'sync', 'reconcile', 'settings'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM maintenance_logs WHERE action = 'settings'`);
    await queryRunner.query(`ALTER TABLE maintenance_logs DROP CONSTRAINT maintenance_logs_action_check`);
    await queryRunner.query(`
      ALTER TABLE maintenance_logs ADD CONSTRAINT maintenance_logs_action_check
        CHECK (action IN ('enable', 'disable', 'sync', 'reconcile'))`);
  }
}
