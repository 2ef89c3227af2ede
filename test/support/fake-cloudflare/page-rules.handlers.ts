import { zoneFor } from './auth.js';
import { ApiError, success } from './envelope.js';
import { apiRule, type StoredPageRule } from './fake-state.js';
import {
  duplicateTarget,
  pageRuleProblems,
  quotaReached,
  toRuleFields,
  validationFailed,
} from './page-rule-validation.js';
import { enumParam } from './query.js';
import type { AuthedContext, Handler } from './request-context.js';
import type { FakeZone } from './types.js';

const RULE_FIELDS = ['targets', 'actions', 'priority', 'status'] as const;

/** `GET /zones/{id}/pagerules`: every rule at once (no pagination), by priority, highest first, by default. */
export const listPageRules: Handler = (ctx) => {
  const zone = zoneOf(ctx);
  const order = enumParam(ctx.query, 'order', ['status', 'priority'] as const) ?? 'priority';
  const direction = enumParam(ctx.query, 'direction', ['asc', 'desc'] as const) ?? 'desc';
  enumParam(ctx.query, 'match', ['any', 'all'] as const); // checked only: with one filter any and all agree
  // The spec gives `status` a default of "disabled", yet Cloudflare lists every rule when it is omitted.
  const status = enumParam(ctx.query, 'status', ['active', 'disabled'] as const);

  const byPriority = ctx.state.rulesOf(zone.id); // highest first, older first on a tie
  const sorted = order === 'priority' ? byPriority : [...byPriority].sort((a, b) => a.status.localeCompare(b.status));
  const ordered = direction === 'desc' ? sorted : [...sorted].reverse();
  const rules = ordered.filter((r) => status === undefined || r.status === status);
  return success(rules.map(apiRule));
};

export const getPageRule: Handler = (ctx) => success(apiRule(ruleOf(ctx, zoneOf(ctx))));

/** `POST`: `status` defaults to "disabled" and `priority` to 1; over quota or on any problem, 400/1004. */
export const createPageRule: Handler = (ctx) => {
  const zone = zoneOf(ctx);
  const fields = { status: 'disabled', priority: 1, ...pick(bodyObject(ctx)) };
  check(fields, zone, ctx);
  if (ctx.state.rulesOf(zone.id).length >= zone.pageRuleQuota) throw quotaReached(zone.pageRuleQuota);
  return success(apiRule(ctx.state.insertRule(zone.id, toRuleFields(fields))));
};

/** `PUT` replaces the whole rule, so omitted fields fall back to their defaults, as on create. */
export const updatePageRule: Handler = (ctx) => {
  const zone = zoneOf(ctx);
  const rule = ruleOf(ctx, zone);
  const fields = { status: 'disabled', priority: 1, ...pick(bodyObject(ctx)) };
  check(fields, zone, ctx, rule);
  return success(apiRule(ctx.state.replaceRule(rule, toRuleFields(fields))));
};

/** `PATCH` changes only the fields given. */
export const editPageRule: Handler = (ctx) => {
  const zone = zoneOf(ctx);
  const rule = ruleOf(ctx, zone);
  const current = { targets: rule.targets, actions: rule.actions, priority: rule.priority, status: rule.status };
  const fields = { ...current, ...pick(bodyObject(ctx)) };
  check(fields, zone, ctx, rule);
  return success(apiRule(ctx.state.replaceRule(rule, toRuleFields(fields))));
};

export const deletePageRule: Handler = (ctx) => {
  const zone = zoneOf(ctx);
  const rule = ruleOf(ctx, zone);
  ctx.state.deleteRule(zone.id, rule.id);
  return success({ id: rule.id });
};

function zoneOf(ctx: AuthedContext): FakeZone {
  return zoneFor(ctx.state, ctx.token, ctx.params.zone_id ?? '', ctx.fullPath);
}

function ruleOf(ctx: AuthedContext, zone: FakeZone): StoredPageRule {
  const rule = ctx.state.rule(zone.id, ctx.params.pagerule_id ?? '');
  if (!rule) throw ApiError.of(404, 1002, 'Invalid Page Rule identifier');
  return rule;
}

function bodyObject(ctx: AuthedContext): Record<string, unknown> {
  if (ctx.body === undefined) return {};
  if (typeof ctx.body !== 'object' || ctx.body === null || Array.isArray(ctx.body)) {
    throw validationFailed(['.: the request body must be a JSON object']);
  }
  return ctx.body as Record<string, unknown>;
}

/** Only the rule's own fields: Cloudflare ignores the rest (`id`, `created_on`, …) in a request body. */
function pick(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(RULE_FIELDS.filter((k) => body[k] !== undefined).map((k) => [k, body[k]]));
}

function check(fields: Record<string, unknown>, zone: FakeZone, ctx: AuthedContext, self?: StoredPageRule): void {
  const problems = pageRuleProblems(fields, zone);
  if (problems.length > 0) throw validationFailed(problems);
  const value = toRuleFields(fields).targets[0]?.constraint.value;
  const clash = ctx.state.rulesOf(zone.id).some((r) => r !== self && r.targets[0]?.constraint.value === value);
  if (clash) throw duplicateTarget();
}
