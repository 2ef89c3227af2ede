import { z } from 'zod';

/** Only the parts of Cloudflare's answers that we rely on are checked; the rest passes through. */
export const envelopeSchema = z.object({
  success: z.boolean(),
  errors: z.array(z.object({ code: z.number(), message: z.string() }).loose()).default([]),
  messages: z.array(z.unknown()).default([]),
  result: z.unknown(),
  result_info: z
    .object({ page: z.number(), per_page: z.number(), total_pages: z.number().optional(), count: z.number() })
    .loose()
    .optional(),
});

export const pageRuleSchema = z
  .object({
    id: z.string().min(1),
    targets: z.array(
      z.object({ target: z.string(), constraint: z.object({ operator: z.string(), value: z.string() }) }).loose(),
    ),
    actions: z.array(z.object({ id: z.string(), value: z.unknown().optional() }).loose()),
    priority: z.number().int(),
    status: z.enum(['active', 'disabled']),
  })
  .loose();
export type PageRuleRecord = z.infer<typeof pageRuleSchema>;

export const pageRuleListSchema = z.array(pageRuleSchema);

export const deletedSchema = z.object({ id: z.string() }).loose();

export const zoneSchema = z
  .object({
    id: z.string().min(1),
    name: z.string().min(1),
    status: z.string().optional(),
    paused: z.boolean().optional(),
    account: z.object({ id: z.string(), name: z.string().optional() }).loose(),
    meta: z.object({ page_rule_quota: z.number().int().nonnegative().optional() }).loose().optional(),
    plan: z.object({ name: z.string().optional(), legacy_id: z.string().optional() }).loose().optional(),
  })
  .loose();
export type ZoneRecord = z.infer<typeof zoneSchema>;

export const zoneListSchema = z.array(zoneSchema);

export const tokenVerificationSchema = z
  .object({ id: z.string(), status: z.enum(['active', 'disabled', 'expired']) })
  .loose();
export type TokenVerification = z.infer<typeof tokenVerificationSchema>;

export const accountListSchema = z.array(z.object({ id: z.string().min(1), name: z.string().optional() }).loose());
export type AccountRecord = z.infer<typeof accountListSchema>[number];
