import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The admin login throttle, one row per client address: shared by every server process on the database,
 * and locked per row so that parallel attempts are counted one after the other (src/admin/login-throttle.ts).
 */
export class AdminLoginThrottle1796157224210 implements MigrationInterface {
  name = 'AdminLoginThrottle1796157224210';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE admin_login_throttle (
        address varchar(64) PRIMARY KEY,
        failures integer NOT NULL DEFAULT 0,
        blocked_until timestamptz NOT NULL DEFAULT now(),
        last_attempt_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX admin_login_throttle_last_attempt ON admin_login_throttle (last_attempt_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE admin_login_throttle`);
  }
}
