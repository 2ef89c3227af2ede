import { BaseEntity, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation, UpdateDateColumn } from 'typeorm';
import { CloudflareSite } from '../sites/cloudflare-site.entity.js';
import { ScheduledMaintenance } from './scheduled-maintenance.entity.js';

/**
 * pending: not started yet (or a new occurrence); enabled: this window put the site into maintenance
 * and will take it out; already_on: it was in maintenance before, so the window leaves it as it is;
 * failed: enabling failed, retried while the window is active; disabled: taken out at the end;
 * disable_failed: taking it out failed, retried on later passes; kept: left in maintenance at the end
 * because another active window covers it or an operator enabled it again during the window.
 */
export const SITE_EXECUTIONS = ['pending', 'enabled', 'already_on', 'failed', 'disabled', 'disable_failed', 'kept'] as const;
export type SiteExecution = (typeof SITE_EXECUTIONS)[number];

@Entity('scheduled_maintenance_sites')
export class ScheduledMaintenanceSite extends BaseEntity {
  @PrimaryColumn({ name: 'window_id', type: 'uuid' })
  windowId: string;

  @PrimaryColumn({ name: 'site_id', type: 'uuid' })
  siteId: string;

  @ManyToOne(() => ScheduledMaintenance, (window) => window.sites, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'window_id' })
  // Relation<> keeps the circular import out of the emitted decorator metadata (ESM).
  window: Relation<ScheduledMaintenance>;

  @ManyToOne(() => CloudflareSite, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'site_id' })
  site: CloudflareSite;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  execution: SiteExecution;

  /** Why it failed, or why it was kept. */
  @Column({ type: 'text', nullable: true })
  detail: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  /** A failed enable or disable is retried on the first pass after this (backing off as attempts grow). */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt: Date | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
