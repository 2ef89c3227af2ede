import type { MigrationInterface, QueryRunner } from 'typeorm';

/** When a window's end first failed, and when the operator was last told (window.end_failing). */
export class WindowEndFailing1796156733253 implements MigrationInterface {
  name = 'WindowEndFailing1796156733253';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE scheduled_maintenances
        ADD COLUMN end_failing_since timestamptz,
        ADD COLUMN end_failing_notified_at timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE scheduled_maintenances DROP COLUMN end_failing_notified_at, DROP COLUMN end_failing_since`);
  }
}
