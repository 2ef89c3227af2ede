import {
  BaseEntity,
  Column,
  CreateDateColumn,
  Entity,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { ScheduledMaintenanceSite } from './scheduled-maintenance-site.entity.js';

/**
 * scheduled → starting → active → ending → completed (or, when recurring, back to scheduled with the
 * next occurrence). starting and ending are claims taken with a conditional UPDATE, so that any number
 * of processes running processDue start and end each occurrence once. missed: the whole window passed
 * while nothing was running; failed: every site failed to start; cancelled: by an operator.
 */
export const WINDOW_STATUSES = ['scheduled', 'starting', 'active', 'ending', 'completed', 'cancelled', 'failed', 'missed'] as const;
export type WindowStatus = (typeof WINDOW_STATUSES)[number];

/** What happened to one occurrence of a window, kept newest first (the recent ones only). */
export interface OccurrenceRecord {
  startsAt: string;
  endsAt: string;
  outcome: 'completed' | 'missed' | 'failed' | 'cancelled';
  actualStart: string | null;
  actualEnd: string | null;
  sites: { enabled: number; alreadyOn: number; failed: number };
  note?: string;
}

@Entity('scheduled_maintenances')
export class ScheduledMaintenance extends BaseEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  /** Shown to visitors on the maintenance page and used as the audit reason. */
  @Column({ type: 'text', nullable: true })
  reason: string | null;

  /** The current (or next) occurrence; a recurring window moves both forward after each one. */
  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt: Date;

  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt: Date;

  /** IANA zone the local times and the recurrence are read in, so 02:00 stays 02:00 across DST. */
  @Column({ type: 'varchar', length: 64 })
  timezone: string;

  /** A 5-field cron expression read in `timezone`; null for a one-off window. */
  @Column({ type: 'varchar', length: 120, nullable: true })
  recurrence: string | null;

  @Column({ name: 'auto_enable', type: 'boolean', default: true })
  autoEnable: boolean;

  @Column({ name: 'auto_disable', type: 'boolean', default: true })
  autoDisable: boolean;

  @Column({ type: 'varchar', length: 16, default: 'scheduled' })
  status: WindowStatus;

  @Column({ name: 'actual_start', type: 'timestamptz', nullable: true })
  actualStart: Date | null;

  @Column({ name: 'actual_end', type: 'timestamptz', nullable: true })
  actualEnd: Date | null;

  @Column({ name: 'created_by', type: 'varchar', length: 200 })
  createdBy: string;

  /** host:pid:boot-id of the process holding a starting/ending claim or retrying failed sites. */
  @Column({ name: 'claimed_by', type: 'varchar', length: 200, nullable: true })
  claimedBy: string | null;

  @Column({ name: 'claimed_at', type: 'timestamptz', nullable: true })
  claimedAt: Date | null;

  /** The occurrence start the "starting soon" notice was sent for, so it is sent once. */
  @Column({ name: 'reminded_for', type: 'timestamptz', nullable: true })
  remindedFor: Date | null;

  /** When taking the sites out first failed in this occurrence; null while nothing is failing. */
  @Column({ name: 'end_failing_since', type: 'timestamptz', nullable: true })
  endFailingSince: Date | null;

  /** When window.end_failing was last sent, so that it is repeated at a bounded interval, not each pass. */
  @Column({ name: 'end_failing_notified_at', type: 'timestamptz', nullable: true })
  endFailingNotifiedAt: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  history: OccurrenceRecord[];

  @OneToMany(() => ScheduledMaintenanceSite, (entry) => entry.window)
  sites: ScheduledMaintenanceSite[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
