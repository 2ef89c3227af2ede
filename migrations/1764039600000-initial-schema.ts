import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1764039600000 implements MigrationInterface {
  name = 'InitialSchema1764039600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE cloudflare_api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(100) NOT NULL UNIQUE,
        encrypted_token text NOT NULL,
        token_hint varchar(8) NOT NULL,
        account_id varchar(64),
        is_default boolean NOT NULL DEFAULT false,
        is_active boolean NOT NULL DEFAULT true,
        last_used_at timestamptz,
        last_verified_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // At most one default key, enforced by the database rather than by application code.
    await queryRunner.query(
      `CREATE UNIQUE INDEX cloudflare_api_keys_one_default ON cloudflare_api_keys (is_default) WHERE is_default`,
    );

    await queryRunner.query(`
      CREATE TABLE cloudflare_sites (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(255) NOT NULL,
        domain varchar(253) NOT NULL UNIQUE,
        zone_id varchar(64),
        account_id varchar(64),
        api_key_id uuid NOT NULL REFERENCES cloudflare_api_keys (id) ON DELETE RESTRICT,
        include_subdomains boolean NOT NULL DEFAULT true,
        subdomain_list text[] NOT NULL DEFAULT '{}',
        maintenance_url varchar(2048),
        is_active boolean NOT NULL DEFAULT true,
        maintenance_state varchar(20) NOT NULL DEFAULT 'off'
          CHECK (maintenance_state IN ('off', 'enabling', 'on', 'disabling', 'needs_reconcile')),
        maintenance_rules jsonb NOT NULL DEFAULT '[]',
        maintenance_reason text,
        maintenance_since timestamptz,
        state_changed_at timestamptz NOT NULL DEFAULT now(),
        zone_status varchar(32),
        page_rule_quota integer,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX cloudflare_sites_api_key_id ON cloudflare_sites (api_key_id)`);
    await queryRunner.query(`CREATE INDEX cloudflare_sites_zone_id ON cloudflare_sites (zone_id)`);

    await queryRunner.query(`
      CREATE TABLE maintenance_logs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        site_id uuid,
        domain varchar(253) NOT NULL,
        action varchar(16) NOT NULL CHECK (action IN ('enable', 'disable', 'sync', 'reconcile')),
        outcome varchar(16) NOT NULL CHECK (outcome IN ('pending', 'success', 'failed', 'skipped')),
        reason text,
        actor varchar(200) NOT NULL,
        duration_ms integer,
        rule_ids jsonb NOT NULL DEFAULT '[]',
        error_code varchar(32),
        error_message text,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX maintenance_logs_site_created ON maintenance_logs (site_id, created_at)`);
    await queryRunner.query(`CREATE INDEX maintenance_logs_created ON maintenance_logs (created_at)`);
    await queryRunner.query(
      `CREATE INDEX maintenance_logs_pending ON maintenance_logs (created_at) WHERE outcome = 'pending'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE maintenance_logs`);
    await queryRunner.query(`DROP TABLE cloudflare_sites`);
    await queryRunner.query(`DROP TABLE cloudflare_api_keys`);
  }
}
