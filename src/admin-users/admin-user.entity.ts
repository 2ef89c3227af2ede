import type { Role } from '../access/roles.js';
import { BaseEntity, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** Someone who may log in to the admin panel; the first created with `maintenance admin create-user`, the others there or in the panel. */
@Entity('admin_users')
export class AdminUser extends BaseEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Lower-cased, so that one address is one user. */
  @Column({ type: 'varchar', length: 254, unique: true })
  email: string;

  /** scrypt in PHC format (password-hash.ts); never selected unless asked for. */
  @Column({ name: 'password_hash', type: 'text', select: false })
  passwordHash: string;

  /** What the user may do (src/access/roles.ts). */
  @Column({ type: 'varchar', length: 16 })
  role: Role;

  /** With scopeApiKeyIds, the sites the user may see and act on (src/access/site-scope.ts); both empty: every site. */
  @Column({ name: 'scope_domains', type: 'text', array: true, default: () => "'{}'" })
  scopeDomains: string[];

  @Column({ name: 'scope_api_key_ids', type: 'uuid', array: true, default: () => "'{}'" })
  scopeApiKeyIds: string[];

  /** A deactivated user cannot log in, and their sessions are ended. */
  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive: boolean;

  @Column({ name: 'last_login_at', type: 'timestamptz', nullable: true })
  lastLoginAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
