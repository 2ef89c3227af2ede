import type { KeyBoundClient } from '../../cloudflare/key-bound-client.js';
import type { CloudflareSite, OwnedRule } from '../../sites/cloudflare-site.entity.js';
import type { SiteAccess } from '../../sites/site-access.js';
import type { SiteRuleSettings } from '../redirect-url.js';

/**
 * What an engine reports of a zone's state against the stored one. `needs_reconcile` and
 * `interrupted` come from the stored state alone; the others from what the engine finds in the zone.
 */
export type DriftKind =
  | 'rule_missing'
  | 'rule_orphaned'
  | 'rule_inactive'
  | 'rule_outranked'
  /** A rule of ours that does something other than what the settings need now (reconcile rewrites it). */
  | 'rule_stale'
  /** A Worker route of ours that someone pointed at another Worker (reconcile reports it and leaves it). */
  | 'rule_taken'
  | 'needs_reconcile'
  | 'interrupted';

export interface Drift {
  kind: DriftKind;
  ruleId?: string;
  message: string;
}

/** Drift that reconcile reports but never changes: the operator's own rules are theirs to fix. */
export const REPORT_ONLY_DRIFT: ReadonlySet<DriftKind> = new Set(['rule_outranked', 'rule_taken']);

/** A rule in the zone, as an engine describes it. */
export interface ZoneRule {
  id: string;
  target: string;
  status: string;
  priority: number;
  ours: boolean;
}

export interface ZoneInspection {
  rules: ZoneRule[];
  drift: Drift[];
}

/** Where an operation got to, for the audit message and the rollback. */
export interface Progress {
  step: string;
  /** Our rules already in the zone (left by an interrupted run), kept instead of duplicated. */
  adopted: OwnedRule[];
  created: OwnedRule[];
  /** What the operator should know that only the zone could tell (a user's route outranking ours), shown with the result. */
  notes?: string[];
}

/**
 * One way of putting a site into maintenance in Cloudflare (Page Rules, Single Redirect rules, a Worker). The transition runner
 * owns claims, audit rows, rollback and settlement; an engine only knows its own kind of rule: how
 * many a site needs and whether the zone has room (quota), which rules are ours, and how the zone
 * differs from what we stored. Engines never touch the database and never import one another.
 * `access` (bypass addresses, secret, excluded paths) is for engines that can express it; Page Rules
 * cannot, and ignore it (such settings are refused on a Page Rules site).
 */
export interface MaintenanceEngine {
  readonly name: string;

  /** Whether the engine's rules depend on the site's access settings (bypass, exclusions); a change of them is then re-applied. */
  readonly expressesAccess: boolean;

  /** What enabling creates for these settings, in words an operator reads (dry runs, settings diffs). */
  targets(site: SiteRuleSettings, access: SiteAccess): string[];

  /**
   * What the operator should know about how these settings are applied (e.g. a path let through to avoid a loop).
   * `forwardUrl` here and in `apply` is where visitors are sent: undefined only for an engine that sends nobody
   * anywhere (engineNeedsForwardUrl, src/sites/site-engine.ts); the services refuse a redirecting site without one.
   */
  notes(site: SiteRuleSettings, access: SiteAccess, forwardUrl: string | undefined): string[];

  /**
   * Reads the zone, plans (refusing with QuotaError or ConflictError before writing anything), and
   * creates what is missing one rule at a time, calling `onRules` with every rule the plan relies on
   * after each one exists, so that a crash cannot make us forget one. Returns those rules.
   */
  apply(
    client: KeyBoundClient,
    site: CloudflareSite,
    forwardUrl: string | undefined,
    access: SiteAccess,
    progress: Progress,
    onRules: (rules: OwnedRule[]) => Promise<void>,
  ): Promise<OwnedRule[]>;

  /** Our rules in the zone now: the stored ids, and (for ids lost in a crash) exact matches of ours. */
  findOurs(client: KeyBoundClient, site: CloudflareSite, forwardUrl: string | undefined, progress: Progress): Promise<OwnedRule[]>;

  /** Deletes one rule of ours; a rule already gone counts as deleted. */
  remove(client: KeyBoundClient, zoneId: string, rule: OwnedRule): Promise<void>;

  /** The zone's rules and how they differ from the stored state. */
  inspect(
    client: KeyBoundClient,
    site: CloudflareSite,
    forwardUrl: string | undefined,
    access: SiteAccess,
    claimAbandoned: boolean,
  ): Promise<ZoneInspection>;

  /**
   * For an engine that shares something between sites (the worker engine: one script per account): brings it in
   * line with the stored state once this site's rules changed; `leaving` leaves the site out, since its rules
   * are gone (disable, a rollback, a switch to another engine, a reconcile clean-up). Engines that share
   * nothing leave it out.
   */
  syncShared?(client: KeyBoundClient, site: CloudflareSite, progress: Progress, options: { leaving: boolean }): Promise<void>;
}
