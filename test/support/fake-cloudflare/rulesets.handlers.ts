import { zoneFor } from './auth.js';
import { success, type Reply } from './envelope.js';
import type { StoredRuleset } from './fake-state.js';
import type { AuthedContext, Handler } from './request-context.js';
import { invalidRuleset, invalidValue, noEntrypoint, noRule, noRuleset, type RuleProblem } from './ruleset-errors.js';
import { buildRule, parsePosition, placeRule } from './ruleset-rules.js';
import { isModelledPhase, isObject, ruleProblems, rulesetRuleFields } from './ruleset-validation.js';
import { apiRuleset, MANAGED_RULESETS } from './ruleset-view.js';
import { writeRules } from './ruleset-writes.js';
import type { FakeRulesetPhase, FakeZone } from './types.js';

/** `GET /zones/{id}/rulesets`: the managed rulesets and the zone's own, without their rules. */
export const listRulesets: Handler = (ctx) => {
  const zone = zoneOf(ctx);
  return success([...MANAGED_RULESETS, ...ctx.state.rulesetsOf(zone.id).map((r) => apiRuleset(r, false))]);
};

/** `GET …/phases/{phase}/entrypoint`: 404 (code 10003) while the phase has never had an entry point. */
export const getEntrypoint: Handler = (ctx) => {
  const zone = zoneOf(ctx);
  const phase = ctx.params.ruleset_phase ?? '';
  const ruleset = ctx.state.entrypoint(zone.id, phase);
  if (!ruleset) throw noEntrypoint(phase);
  return rulesetReply(ruleset);
};

/** `PUT …/phases/{phase}/entrypoint`: creates the entry point if needed and REPLACES all of its rules. */
export const putEntrypoint: Handler = (ctx) => {
  const zone = zoneOf(ctx);
  const phase = modelledPhase(ctx.params.ruleset_phase ?? '');
  const body = bodyObject(ctx);
  const existing = ctx.state.entrypoint(zone.id, phase);
  return replaceRules(ctx, zone, phase, body, existing);
};

/** `POST /zones/{id}/rulesets`: a zone may hold one ruleset per phase, its entry point. */
export const createRuleset: Handler = (ctx) => {
  const zone = zoneOf(ctx);
  const body = bodyObject(ctx);
  if (body.kind !== 'zone') {
    throw invalidRuleset([invalidValue('/kind', body.kind, 'a zone ruleset must be of kind zone')]);
  }
  if (typeof body.phase !== 'string') throw invalidRuleset([invalidValue('/phase', body.phase, 'a phase is required')]);
  const phase = modelledPhase(body.phase);
  if (ctx.state.entrypoint(zone.id, phase)) {
    throw invalidRuleset([
      invalidValue('/kind', 'zone', `exceeded maximum number of zone rulesets for phase ${phase}`),
    ]);
  }
  return replaceRules(ctx, zone, phase, body, undefined);
};

export const getRuleset: Handler = (ctx) => rulesetReply(rulesetOf(ctx, zoneOf(ctx)));

/** `PUT /zones/{id}/rulesets/{ruleset_id}`: replaces every rule, like the entry-point PUT. */
export const updateRuleset: Handler = (ctx) => {
  const zone = zoneOf(ctx);
  const ruleset = rulesetOf(ctx, zone);
  const body = bodyObject(ctx);
  if (body.phase !== undefined && body.phase !== ruleset.phase) {
    throw invalidRuleset([invalidValue('/phase', body.phase, 'the phase of a ruleset cannot change')]);
  }
  return replaceRules(ctx, zone, modelledPhase(ruleset.phase), body, ruleset);
};

export const deleteRuleset: Handler = (ctx) => {
  const zone = zoneOf(ctx);
  const ruleset = rulesetOf(ctx, zone);
  ctx.state.deleteRuleset(zone.id, ruleset.id);
  return { status: 204, body: undefined };
};

/** `POST …/rules`: one rule, last unless `position` says otherwise; the answer is the whole ruleset. */
export const createRule: Handler = (ctx) => writeOneRule(ctx, undefined);

/**
 * `PATCH …/rules/{rule_id}`: the body is the WHOLE rule; omitted fields fall back to their defaults (so a
 * `ref` not sent again becomes the id). `position` may move the rule.
 */
export const editRule: Handler = (ctx) => writeOneRule(ctx, ctx.params.rule_id ?? '');

export const deleteRule: Handler = (ctx) => {
  const zone = zoneOf(ctx);
  const ruleset = rulesetOf(ctx, zone);
  const rules = ruleset.rules.filter((r) => r.id !== ctx.params.rule_id);
  if (rules.length === ruleset.rules.length) throw noRule(ctx.params.rule_id ?? '', ruleset.id);
  return rulesetReply(writeRules(ctx.state, zone, ruleset, rules, { pointerOf: () => '', enforceQuota: true }));
};

function writeOneRule(ctx: AuthedContext, ruleId: string | undefined): Reply {
  const zone = zoneOf(ctx);
  const ruleset = rulesetOf(ctx, zone);
  const previous = ruleId === undefined ? undefined : ruleset.rules.find((r) => r.id === ruleId);
  if (ruleId !== undefined && !previous) throw noRule(ruleId, ruleset.id);
  const body = bodyObject(ctx);
  check(ruleProblems(body, modelledPhase(ruleset.phase), zone, '', ['position']));
  const rule = buildRule(rulesetRuleFields(withoutPosition(body)), previous);
  const rules = placeRule(ruleset.rules, rule, parsePosition(body.position));
  return rulesetReply(writeRules(ctx.state, zone, ruleset, rules, { pointerOf: () => '', enforceQuota: true }));
}

/**
 * Validates every rule first, so a refused request changes nothing; a rule sent with the id of a rule of the
 * ruleset updates that rule (same id, next version), any other rule is new.
 */
function replaceRules(
  ctx: AuthedContext,
  zone: FakeZone,
  phase: FakeRulesetPhase,
  body: Record<string, unknown>,
  existing: StoredRuleset | undefined,
): Reply {
  const list = body.rules ?? [];
  if (!Array.isArray(list)) throw invalidRuleset([invalidValue('/rules', list, 'it must be an array of rules')]);
  const problems = list.flatMap((rule, i) => ruleProblems(rule, phase, zone, `/rules/${i}`));
  for (const key of ['name', 'description'] as const) {
    if (body[key] !== undefined && typeof body[key] !== 'string') {
      problems.push(invalidValue(`/${key}`, body[key], 'it must be a string'));
    }
  }
  check(problems);
  const rules = list.map((raw: unknown, i) => {
    const id = (raw as Record<string, unknown>).id;
    if (id === undefined) return buildRule(rulesetRuleFields(raw));
    const previous = existing?.rules.find((r) => r.id === id);
    if (!previous) {
      throw invalidRuleset([invalidValue(`/rules/${i}/id`, id, 'there is no rule with this id in the ruleset')]);
    }
    return buildRule(rulesetRuleFields(raw), previous);
  });
  const ruleset =
    existing ??
    ctx.state.createEntrypoint(zone.id, phase, {
      name: body.name as string | undefined,
      description: body.description as string | undefined,
    });
  try {
    return rulesetReply(
      writeRules(ctx.state, zone, ruleset, rules, { pointerOf: (i) => `/rules/${i}`, enforceQuota: true }),
    );
  } catch (error) {
    if (!existing) ctx.state.deleteRuleset(zone.id, ruleset.id); // a refused first write creates nothing
    throw error;
  }
}

function rulesetReply(ruleset: StoredRuleset): Reply {
  return success(apiRuleset(ruleset));
}

function zoneOf(ctx: AuthedContext): FakeZone {
  return zoneFor(ctx.state, ctx.token, ctx.params.zone_id ?? '', ctx.fullPath);
}

function rulesetOf(ctx: AuthedContext, zone: FakeZone): StoredRuleset {
  const id = ctx.params.ruleset_id ?? '';
  if (MANAGED_RULESETS.some((r) => r.id === id)) throw new Error(`the fake does not model managed ruleset ${id}`);
  const ruleset = ctx.state.ruleset(zone.id, id);
  if (!ruleset) throw noRuleset(id);
  return ruleset;
}

/** A phase of the spec that the fake does not model is a gap in the fake, not an answer Cloudflare gives. */
function modelledPhase(phase: string): FakeRulesetPhase {
  if (!isModelledPhase(phase)) throw new Error(`the fake does not model rulesets of phase "${phase}"`);
  return phase;
}

function bodyObject(ctx: AuthedContext): Record<string, unknown> {
  if (!isObject(ctx.body)) throw invalidRuleset([invalidValue('', ctx.body, 'the request body must be a JSON object')]);
  return ctx.body;
}

function withoutPosition(body: Record<string, unknown>): Record<string, unknown> {
  const { position: _position, ...rule } = body;
  return rule;
}

function check(problems: RuleProblem[]): void {
  if (problems.length > 0) throw invalidRuleset(problems);
}
