import {
  BaseEntity,
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { CloudflareApiKey } from '../api-keys/cloudflare-api-key.entity.js';
import type { PageBranding } from '../maintenance-page/branding.js';
import type { SiteEngine } from './site-engine.js';

/**
 * off → enabling → on → disabling → off. The transitional states are claims: a process moves a site
 * into one with a conditional UPDATE before it calls Cloudflare, so two actors never both act
 * (docs/promises.md#idempotent-and-exclusive). needs_reconcile: a rollback or cleanup failed and rules may be left in the zone.
 */
export const MAINTENANCE_STATES = ['off', 'enabling', 'on', 'disabling', 'needs_reconcile'] as const;
export type MaintenanceState = (typeof MAINTENANCE_STATES)[number];

/** A Page Rule we created, kept so that we only ever delete our own (docs/promises.md#ours-only). */
export interface OwnedRule {
  id: string;
  target: string;
}

@Entity('cloudflare_sites')
export class CloudflareSite extends BaseEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'varchar', length: 253, unique: true })
  domain: string;

  @Column({ name: 'zone_id', type: 'varchar', length: 64, nullable: true })
  zoneId: string | null;

  @Column({ name: 'account_id', type: 'varchar', length: 64, nullable: true })
  accountId: string | null;

  @ManyToOne(() => CloudflareApiKey, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'api_key_id' })
  apiKey: CloudflareApiKey;

  @Column({ name: 'api_key_id', type: 'uuid' })
  apiKeyId: string;

  @Column({ name: 'include_subdomains', type: 'boolean', default: true })
  includeSubdomains: boolean;

  @Column({ name: 'subdomain_list', type: 'text', array: true, default: () => "'{}'" })
  subdomainList: string[];

  @Column({ name: 'maintenance_url', type: 'varchar', length: 2048, nullable: true })
  maintenanceUrl: string | null;

  /** The operator's choice; zone sync never changes it, nor the access settings below. */
  @Column({ type: 'varchar', length: 20, default: 'page_rules' })
  engine: SiteEngine;

  /** IP addresses and CIDRs let through during maintenance; null: MAINTENANCE_BYPASS_IPS, [] : none. */
  @Column({ name: 'bypass_ips', type: 'text', array: true, nullable: true })
  bypassIps: string[] | null;

  /** The bypass secret, encrypted with the API tokens' cipher (TokenCipher); never shown after it is generated. */
  @Column({ name: 'bypass_secret_cipher', type: 'text', nullable: true })
  bypassSecretCipher: string | null;

  /** Path prefixes never redirected (redirect_rule engine only). */
  @Column({ name: 'excluded_paths', type: 'text', array: true, default: () => "'{/.well-known/acme-challenge/}'" })
  excludedPaths: string[];

  /** The site's own maintenance page branding, valid as saved (branding.ts); null: the global default alone. */
  @Column({ name: 'page_branding', type: 'jsonb', nullable: true })
  pageBranding: PageBranding | null;

  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive: boolean;

  @Column({ name: 'maintenance_state', type: 'varchar', length: 20, default: 'off' })
  maintenanceState: MaintenanceState;

  @Column({ name: 'maintenance_rules', type: 'jsonb', default: () => "'[]'" })
  maintenanceRules: OwnedRule[];

  @Column({ name: 'maintenance_reason', type: 'text', nullable: true })
  maintenanceReason: string | null;

  @Column({ name: 'maintenance_since', type: 'timestamptz', nullable: true })
  maintenanceSince: Date | null;

  /** Bumped whenever the state or the owned rules change; a stale transitional claim can be taken over. */
  @Column({ name: 'state_changed_at', type: 'timestamptz', default: () => 'now()' })
  stateChangedAt: Date;

  @Column({ name: 'zone_status', type: 'varchar', length: 32, nullable: true })
  zoneStatus: string | null;

  @Column({ name: 'page_rule_quota', type: 'integer', nullable: true })
  pageRuleQuota: number | null;

  @Column({ name: 'zone_paused', type: 'boolean', nullable: true })
  zonePaused: boolean | null;

  @Column({ name: 'zone_plan', type: 'varchar', length: 64, nullable: true })
  zonePlan: string | null;

  @Column({ name: 'last_synced_at', type: 'timestamptz', nullable: true })
  lastSyncedAt: Date | null;

  /** operator: switched off by hand, sync leaves it so; zone_missing: sync did it and undoes it. */
  @Column({ name: 'inactive_reason', type: 'varchar', length: 32, nullable: true })
  inactiveReason: 'operator' | 'zone_missing' | null;

  /** host:pid:boot-id of the process holding a transitional state, so reconcile can tell a crash. */
  @Column({ name: 'claimed_by', type: 'varchar', length: 200, nullable: true })
  claimedBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
