import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Roles and site scopes for admin users (src/access/): every user who existed before is an admin of every
 * site, as they were in effect; a deactivated user keeps their row (and audit trail) but cannot log in.
 */
export class AdminUserRoles1796590066260 implements MigrationInterface {
  name = 'AdminUserRoles1796590066260';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE admin_users
        ADD COLUMN role varchar(16) NOT NULL DEFAULT 'admin' CONSTRAINT admin_users_role CHECK (role IN ('viewer', 'operator', 'admin')),
        ADD COLUMN scope_domains text[] NOT NULL DEFAULT '{}',
        ADD COLUMN scope_api_key_ids uuid[] NOT NULL DEFAULT '{}',
        ADD COLUMN is_active boolean NOT NULL DEFAULT true`);
    // The default only carried the existing users over: a new user's role is always chosen.
    await queryRunner.query(`ALTER TABLE admin_users ALTER COLUMN role DROP DEFAULT`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE admin_users DROP COLUMN role, DROP COLUMN scope_domains, DROP COLUMN scope_api_key_ids, DROP COLUMN is_active`);
  }
}
