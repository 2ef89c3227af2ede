import { BaseEntity, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '../access/roles.js';

/** A token a deploy pipeline calls the HTTP API with; created with `maintenance api-tokens create` or in the panel. */
@Entity('api_tokens')
export class ApiToken extends BaseEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Unique among the tokens not revoked; the audit log's actor is `api:<name>`. */
  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  role: Role;

  /** The token's public part (after `cfm_`), by which its row is found. */
  @Column({ name: 'lookup_id', type: 'char', length: 12, unique: true })
  lookupId: string;

  /** SHA-256 of the secret part (api-token-secret.ts); never selected unless asked for. */
  @Column({ name: 'secret_hash', type: 'bytea', select: false })
  secretHash: Buffer;

  /** The site scope (src/access/site-scope.ts): both empty means every site. */
  @Column({ name: 'site_domains', type: 'text', array: true, default: () => "'{}'" })
  siteDomains: string[];

  @Column({ name: 'api_key_ids', type: 'uuid', array: true, default: () => "'{}'" })
  apiKeyIds: string[];

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
