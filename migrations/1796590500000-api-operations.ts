import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Bulk operations started through the API, and the outcome of each of their sites. */
export class ApiOperations1796590500000 implements MigrationInterface {
  name = 'ApiOperations1796590500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE api_operations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        action varchar(16) NOT NULL CHECK (action IN ('enable', 'disable', 'sync')),
        status varchar(16) NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'interrupted')),
        actor varchar(200) NOT NULL,
        reason text,
        owner varchar(200) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX api_operations_running ON api_operations (status) WHERE status = 'running'`);
    await queryRunner.query(`
      CREATE TABLE api_operation_sites (
        operation_id uuid NOT NULL REFERENCES api_operations (id) ON DELETE CASCADE,
        position integer NOT NULL,
        domain varchar(253) NOT NULL,
        api_key_id uuid NOT NULL,
        outcome varchar(16) NOT NULL DEFAULT 'pending' CHECK (outcome IN ('pending', 'done', 'skipped', 'failed')),
        message text,
        error_code varchar(32),
        finished_at timestamptz,
        PRIMARY KEY (operation_id, position)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE api_operation_sites`);
    await queryRunner.query(`DROP TABLE api_operations`);
  }
}
