import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tokens for the HTTP API: only the SHA-256 of each secret is stored. */
export class ApiTokens1796590081389 implements MigrationInterface {
  name = 'ApiTokens1796590081389';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE api_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(100) NOT NULL,
        role varchar(16) NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
        lookup_id char(12) NOT NULL UNIQUE,
        secret_hash bytea NOT NULL CHECK (length(secret_hash) = 32),
        site_domains text[] NOT NULL DEFAULT '{}',
        api_key_ids uuid[] NOT NULL DEFAULT '{}',
        expires_at timestamptz,
        revoked_at timestamptz,
        last_used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // A revoked token keeps its row (the audit log names it) but frees its name.
    await queryRunner.query(`CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens (name) WHERE revoked_at IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE api_tokens`);
  }
}
