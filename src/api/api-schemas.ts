import { z } from 'zod';
import { LOG_ACTIONS, LOG_OUTCOMES } from '../logs/maintenance-log.entity.js';
import { SITE_ENGINES } from '../sites/site-engine.js';
import { PROBLEM_CODES } from './problem.js';

/**
 * The shapes of the API's requests and answers: the controllers parse their input with these, and the
 * OpenAPI document (openapi.document.ts) is generated from them, so the two cannot drift apart.
 */
const timestamp = z.iso.datetime({ offset: true });
const flag = z.enum(['true', 'false']);

export const DomainParam = z.object({ domain: z.string().meta({ description: 'the site\'s domain, e.g. example.com' }) });
export const OperationIdParam = z.object({ id: z.uuid() });

export const SiteListQuery = z.strictObject({
  apiKey: z.string().min(1).max(100).optional().meta({ description: 'only the sites of this Cloudflare key (by name)' }),
  inMaintenance: flag.optional().meta({ description: 'true: only the sites in maintenance; false: every other site' }),
  active: flag.optional().meta({ description: 'true: only active sites; false: only those marked inactive' }),
  limit: z.string().regex(/^\d+$/).optional().meta({ description: 'page size, 1–500 (default 100)' }),
  offset: z.string().regex(/^\d+$/).optional().meta({ description: 'sites to skip (default 0)' }),
});

export const AuditQuery = z.strictObject({
  domain: z.string().optional(),
  action: z.enum(LOG_ACTIONS).optional(),
  outcome: z.enum(LOG_OUTCOMES).optional(),
  actor: z.string().min(1).max(200).optional().meta({ description: 'e.g. api:deploy-shop, cli:alice, admin:ops@example.com' }),
  since: timestamp.optional().meta({ description: 'rows created at or after this instant' }),
  until: timestamp.optional().meta({ description: 'rows created before this instant' }),
  limit: z.string().regex(/^\d+$/).optional().meta({ description: 'page size, 1–500 (default 100)' }),
  offset: z.string().regex(/^\d+$/).optional(),
});

export const SiteShowQuery = z.strictObject({
  live: flag.optional().meta({ description: "true: read the zone's rules in Cloudflare and report drift" }),
});

export const EnableBody = z
  .strictObject({
    reason: z.string().optional().meta({ description: 'why, for the audit log and the maintenance page (one line, at most 500 characters)' }),
    for: z.string().optional().meta({ description: 'only for this long (2h, 30m, 1h30m, 1d, or ISO 8601 such as PT2H; at most 7 days)' }),
    until: z.string().optional().meta({ description: 'only until this time: ISO 8601 with an offset, or a local time read in timezone' }),
    timezone: z.string().optional().meta({ description: 'the IANA zone of until (and of the end the maintenance page shows), e.g. Europe/Berlin' }),
  })
  .meta({ id: 'EnableRequest', description: 'with for or until, maintenance for a set time: a one-off window that starts now and that the scheduler ends' });

export const ScheduleIdParam = z.object({ id: z.uuid() });

export const ScheduleListQuery = z.strictObject({
  all: flag.optional().meta({ description: 'true: finished and cancelled windows too' }),
});

const scheduleFields = {
  title: z.string().meta({ description: 'at most 200 characters' }),
  description: z.string().nullable().optional(),
  reason: z.string().nullable().optional().meta({ description: 'the public message on the maintenance page; also the audit reason' }),
  sites: z.array(z.string()).min(1).max(1000).meta({ description: 'domains of registered sites' }),
  start: z.string().meta({ description: 'ISO 8601 with an offset, or a local time read in timezone' }),
  end: z.string().nullable().optional().meta({ description: 'give end or durationMinutes' }),
  durationMinutes: z.int().nullable().optional(),
  timezone: z.string().nullable().optional().meta({ description: 'IANA zone; UTC when omitted' }),
  recurrence: z.string().nullable().optional().meta({ description: 'a five-field cron expression, read in timezone' }),
  autoEnable: z.boolean().optional(),
  autoDisable: z.boolean().optional(),
};

export const ScheduleCreateBody = z.strictObject(scheduleFields).meta({ id: 'ScheduleCreateRequest' });
export const ScheduleUpdateBody = z.strictObject(scheduleFields).partial().meta({ id: 'ScheduleUpdateRequest', description: 'only the fields to change' });

export const ExtendBody = z
  .strictObject({
    by: z.string().optional().meta({ description: 'how much longer (30m, 1h, …)' }),
    until: z.string().optional().meta({ description: 'a later end time' }),
    timezone: z.string().optional(),
  })
  .meta({ id: 'ExtendRequest', description: 'exactly one of by and until' });

const WindowRef = z
  .object({
    id: z.uuid(),
    status: z.string(),
    endsAt: timestamp,
    timezone: z.string(),
  })
  .meta({ id: 'MaintenanceWindow', description: 'the window that ends maintenance for a set time' });

export const SiteSelector = z
  .strictObject({
    all: z.literal(true).optional().meta({ description: 'every site in the token\'s scope' }),
    apiKey: z.string().min(1).max(100).optional(),
    inMaintenance: z.boolean().optional(),
    active: z.boolean().optional(),
  })
  .meta({ id: 'SiteSelector', description: 'the CLI\'s selectors; the criteria given combine with AND' });

export const OperationBody = z
  .strictObject({
    action: z.enum(['enable', 'disable', 'sync']),
    sites: z.array(z.string()).min(1).max(1000).optional().meta({ description: 'domains; give these or selector' }),
    selector: SiteSelector.optional(),
    reason: z.string().optional().meta({ description: 'for enable: why, for the audit log' }),
  })
  .meta({ id: 'OperationRequest' });

const Rule = z.object({ id: z.string(), target: z.string() });

const PageTranslationSchema = z.object({ title: z.string().optional(), message: z.string().optional() });

export const PageBrandingSchema = z
  .object({
    title: z.string().optional(),
    message: z.string().optional(),
    logoUrl: z.string().optional(),
    primaryColor: z.string().optional(),
    backgroundColor: z.string().optional(),
    textColor: z.string().optional(),
    contactUrl: z.string().optional(),
    template: z.string().optional().meta({ description: 'a whole HTML page with placeholders, as sanitised when saved' }),
    translations: z.record(z.string(), PageTranslationSchema).optional().meta({ description: 'by language tag (fr, pt-BR)' }),
  })
  .meta({ id: 'PageBranding', description: "the maintenance page's branding (docs/maintenance-page.md#branding)" });

export const SiteSchema = z
  .object({
    domain: z.string(),
    name: z.string(),
    zoneId: z.string().nullable(),
    apiKey: z.string().nullable(),
    active: z.boolean(),
    state: z.enum(['off', 'enabling', 'on', 'disabling', 'needs_reconcile']),
    inMaintenance: z.boolean(),
    since: timestamp.nullable(),
    reason: z.string().nullable(),
    rules: z.array(Rule),
    engine: z.enum(SITE_ENGINES).meta({ description: 'how the site is put into maintenance: page_rules, redirect_rule or worker' }),
    access: z
      .object({
        bypassIps: z.array(z.string()).meta({ description: 'addresses and CIDR ranges let through (redirect_rule and worker)' }),
        bypassIpsFrom: z.enum(['site', 'default']).meta({ description: "default: MAINTENANCE_BYPASS_IPS; site: the site's own list" }),
        bypassSecret: z.string().nullable().meta({ description: 'a mask when a bypass secret is set (the secret is shown only once, by the CLI)' }),
        excludedPaths: z.array(z.string()).meta({ description: 'path prefixes never redirected' }),
      })
      .meta({ id: 'SiteAccess' }),
    pageBranding: PageBrandingSchema.nullable().meta({ description: "the site's own branding of its maintenance page; null: the global default alone" }),
  })
  .meta({ id: 'Site' });

export const SiteListSchema = z
  .object({ items: z.array(SiteSchema), total: z.int().min(0), limit: z.int(), offset: z.int() })
  .meta({ id: 'SiteList' });

const LiveSchema = z.object({
  busy: z.boolean(),
  zoneRules: z.array(z.object({ id: z.string(), target: z.string(), status: z.string(), priority: z.number(), ours: z.boolean() })),
  drift: z.array(z.object({ kind: z.string(), ruleId: z.string().optional(), message: z.string() })),
});

export const SiteDetailSchema = z.object({ site: SiteSchema, live: LiveSchema.optional() }).meta({ id: 'SiteDetail' });

export const MaintenanceChangeSchema = z
  .object({
    domain: z.string(),
    changed: z.boolean().meta({ description: 'false: the site was already in the asked state (nothing was done)' }),
    message: z.string(),
    site: SiteSchema,
    window: WindowRef.optional(),
  })
  .meta({ id: 'MaintenanceChange' });

export const ExtendedSchema = z.object({ window: WindowRef }).meta({ id: 'Extended' });

export const OperationSchema = z
  .object({
    id: z.uuid(),
    action: z.enum(['enable', 'disable', 'sync']),
    status: z.enum(['running', 'completed', 'interrupted']).meta({
      description: 'interrupted: the server stopped before every site was done; the pending ones were not attempted',
    }),
    actor: z.string(),
    reason: z.string().nullable(),
    createdAt: timestamp,
    finishedAt: timestamp.nullable(),
    counts: z.object({ total: z.int(), pending: z.int(), done: z.int(), skipped: z.int(), failed: z.int() }),
    sites: z.array(
      z.object({
        domain: z.string(),
        outcome: z.enum(['pending', 'done', 'skipped', 'failed']),
        message: z.string().nullable(),
        errorCode: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'Operation' });

export const ScheduleSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    description: z.string().nullable(),
    reason: z.string().nullable(),
    status: z.string(),
    startsAt: timestamp,
    endsAt: timestamp,
    timezone: z.string(),
    recurrence: z.string().nullable(),
    autoEnable: z.boolean(),
    autoDisable: z.boolean(),
    createdBy: z.string(),
    sites: z.array(z.object({ domain: z.string(), execution: z.string() })),
  })
  .meta({ id: 'Schedule' });

export const ScheduleListSchema = z.object({ items: z.array(ScheduleSchema) }).meta({ id: 'ScheduleList' });

const AuditEntry = z.object({
  id: z.uuid(),
  domain: z.string(),
  action: z.enum(LOG_ACTIONS),
  outcome: z.enum(LOG_OUTCOMES),
  actor: z.string(),
  reason: z.string().nullable(),
  ruleIds: z.array(z.string()),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  durationMs: z.int().nullable(),
  createdAt: timestamp,
  completedAt: timestamp.nullable(),
});

export const AuditPageSchema = z
  .object({ items: z.array(AuditEntry), total: z.int().min(0), limit: z.int(), offset: z.int() })
  .meta({ id: 'AuditPage', description: 'newest first' });

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    code: z.enum(Object.keys(PROBLEM_CODES) as [keyof typeof PROBLEM_CODES, ...(keyof typeof PROBLEM_CODES)[]]),
    field: z.string().optional(),
    needed: z.int().optional(),
    free: z.int().optional(),
    cloudflareCode: z.int().nullable().optional(),
    step: z.string().optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details with a stable code' });

export type SiteBody = z.infer<typeof SiteSchema>;
export type WindowBody = z.infer<typeof WindowRef>;
export type ScheduleBody = z.infer<typeof ScheduleSchema>;
export type OperationBodyOut = z.infer<typeof OperationSchema>;
