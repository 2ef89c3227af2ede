import { BaseEntity, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * settings: an operator changed a site's engine, access or page branding settings, or the default page branding
 * (no site, domain `*`); the reason column says what, never a secret nor a whole template.
 */
export const LOG_ACTIONS = ['enable', 'disable', 'sync', 'reconcile', 'settings'] as const;
export type LogAction = (typeof LOG_ACTIONS)[number];
export const LOG_OUTCOMES = ['pending', 'success', 'failed', 'skipped'] as const;
export type LogOutcome = (typeof LOG_OUTCOMES)[number];

/** One row per attempt, written as pending before the first Cloudflare call (docs/promises.md#one-audit-row-per-attempt). */
@Entity('maintenance_logs')
export class MaintenanceLog extends BaseEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Kept as a plain column (no foreign key) so that the audit trail outlives a removed site. */
  @Column({ name: 'site_id', type: 'uuid', nullable: true })
  siteId: string | null;

  @Column({ type: 'varchar', length: 253 })
  domain: string;

  @Column({ type: 'varchar', length: 16 })
  action: LogAction;

  @Column({ type: 'varchar', length: 16 })
  outcome: LogOutcome;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'varchar', length: 200 })
  actor: string;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs: number | null;

  @Column({ name: 'rule_ids', type: 'jsonb', default: () => "'[]'" })
  ruleIds: string[];

  @Column({ name: 'error_code', type: 'varchar', length: 32, nullable: true })
  errorCode: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage: string | null;

  /** host:pid:boot-id of the process that wrote a pending row, so reconcile can tell a crash. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  owner: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;
}
