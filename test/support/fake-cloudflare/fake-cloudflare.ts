import { BASE_PATH, handleRequest } from './exchange-pipeline.js';
import { FakeHttpServer } from './fake-cloudflare.server.js';
import { FakeState, PAGE_RULE_QUOTA_BY_PLAN, publicRule } from './fake-state.js';
import { FaultBook, type InjectedFault } from './faults.js';
import { duplicateTarget, pageRuleProblems, toRuleFields } from './page-rule-validation.js';
import { RateLimiter } from './rate-limiter.js';
import { buildRule, placeRule } from './ruleset-rules.js';
import { isModelledPhase, ruleProblems, rulesetRuleFields } from './ruleset-validation.js';
import { ruleQuota, writeRules } from './ruleset-writes.js';
import { hostInZone, matchesTarget } from './target-match.js';
import type {
  FakeCloudflareOptions,
  FakePageRule,
  FakeRulesetPhase,
  FakeRulesetRule,
  FakeTokenInit,
  FakeZone,
  FakeZoneInit,
  FaultRule,
  NewPageRule,
  NewRulesetRule,
  RateLimit,
  RecordedExchange,
  ZonePlan,
} from './types.js';

/**
 * An in-process stand-in for the Cloudflare v4 API (tokens, zones, Page Rules, zone rulesets), faithful to Cloudflare's
 * behaviour and checked against its OpenAPI document on every exchange. Point the SDK at `baseURL`.
 */
export class FakeCloudflare {
  readonly baseURL: string;
  readonly exchanges: RecordedExchange[] = [];

  private readonly state = new FakeState();
  private readonly faults = new FaultBook();
  private readonly limiter: RateLimiter;
  private latencyMs: number;
  private problems: string[] = [];

  private constructor(
    private readonly http: FakeHttpServer,
    options: FakeCloudflareOptions,
    limiter: RateLimiter,
  ) {
    this.baseURL = `${http.origin}${BASE_PATH}`;
    this.latencyMs = options.latencyMs ?? 0;
    this.limiter = limiter;
  }

  static async start(options: FakeCloudflareOptions = {}): Promise<FakeCloudflare> {
    const limiter = new RateLimiter(options.rateLimit);
    let fake: FakeCloudflare | undefined;
    const http = await FakeHttpServer.listen((incoming) => {
      if (!fake) throw new Error('FakeCloudflare is not started yet');
      return handleRequest(incoming, fake.pipelineDeps());
    });
    fake = new FakeCloudflare(http, options, limiter);
    return fake;
  }

  addToken(init: FakeTokenInit): void {
    this.state.addToken(init);
  }

  /** Adds a zone; its id is 32 lowercase hex characters unless given. Returns a copy of what is stored. */
  addZone(init: FakeZoneInit): FakeZone {
    return { ...this.state.addZone(init) };
  }

  /** Changes a stored zone (status, paused, quota, …), as Cloudflare or the zone's owner would. */
  updateZone(zoneId: string, patch: Partial<Omit<FakeZone, 'id' | 'createdOn' | 'modifiedOn'>>): FakeZone {
    return { ...this.state.updateZone(zoneId, patch) };
  }

  /** Moves the zone to another plan, with that plan's quotas (Page Rules and ruleset rules), as an upgrade would. */
  setZonePlan(zoneId: string, plan: ZonePlan): FakeZone {
    return { ...this.state.updateZone(zoneId, { plan, pageRuleQuota: PAGE_RULE_QUOTA_BY_PLAN[plan] }) };
  }

  zones(): FakeZone[] {
    return this.state.allZones().map((z) => ({ ...z }));
  }

  removeZone(zoneId: string): void {
    this.state.removeZone(zoneId);
  }

  /**
   * A rule the zone's owner made in the dashboard: validated like an API rule (default status "active",
   * priority 1), but not held to the quota, since a plan downgrade can leave a zone over it.
   */
  addPageRule(zoneId: string, rule: NewPageRule): FakePageRule {
    const zone = this.state.requireZone(zoneId);
    const fields = {
      targets: [{ target: 'url', constraint: { operator: 'matches', value: rule.targetValue } }],
      actions: rule.actions,
      priority: rule.priority ?? 1,
      status: rule.status ?? 'active',
    };
    const problems = pageRuleProblems(fields, zone);
    if (this.state.rulesOf(zoneId).some((r) => r.targets[0]?.constraint.value === rule.targetValue)) {
      problems.push(...duplicateTarget().messages.map((m) => m.message));
    }
    if (problems.length > 0) throw new Error(`FakeCloudflare.addPageRule: ${problems.join('; ')}`);
    return publicRule(this.state.insertRule(zoneId, toRuleFields(fields)));
  }

  /** Deep copies, highest priority first (the older rule first on a tie). */
  pageRules(zoneId: string): FakePageRule[] {
    this.state.requireZone(zoneId);
    return this.state.rulesOf(zoneId).map(publicRule);
  }

  /** As if deleted by hand in the dashboard. */
  deletePageRuleDirectly(zoneId: string, ruleId: string): void {
    if (!this.state.deleteRule(zoneId, ruleId)) {
      throw new Error(`FakeCloudflare.deletePageRuleDirectly: no rule ${ruleId} in zone ${zoneId}`);
    }
  }

  /**
   * The rule Cloudflare would apply to `url`: the highest-priority active rule whose target matches (the older
   * one on a tie, so callers must not rely on ties). Page Rules only act on proxied traffic, so a zone that is
   * paused or not active applies none, and neither does any zone to a URL outside it.
   */
  winningRule(zoneId: string, url: string): FakePageRule | undefined {
    const zone = this.state.requireZone(zoneId);
    if (zone.paused || zone.status !== 'active') return undefined;
    let host: string;
    try {
      host = new URL(url).hostname;
    } catch {
      return undefined;
    }
    if (!hostInZone(host, zone.name)) return undefined;
    const winner = this.state
      .rulesOf(zoneId)
      .find((r) => r.status === 'active' && r.targets.some((t) => matchesTarget(t.constraint.value, url)));
    return winner && publicRule(winner);
  }

  /** Copies of the rules of the zone's entry point for `phase`, in order; [] when it has none. */
  rulesetRules(zoneId: string, phase: FakeRulesetPhase): FakeRulesetRule[] {
    this.state.requireZone(zoneId);
    return structuredClone(this.state.entrypoint(zoneId, phase)?.rules ?? []);
  }

  hasEntrypoint(zoneId: string, phase: FakeRulesetPhase): boolean {
    this.state.requireZone(zoneId);
    return this.state.entrypoint(zoneId, phase) !== undefined;
  }

  /** How many rules the zone's plan allows in `phase`. */
  rulesetRuleQuota(zoneId: string, phase: FakeRulesetPhase): number {
    return ruleQuota(this.state.requireZone(zoneId), phase);
  }

  /**
   * A rule the zone's owner made in the dashboard, first or last (default) in the phase's entry point, which is
   * created if missing. Validated like an API rule (expression included) but not held to the quota, since a plan
   * downgrade can leave a zone over it. Returns the new rule's id.
   */
  seedRulesetRule(
    zoneId: string,
    phase: FakeRulesetPhase,
    rule: NewRulesetRule,
    position: 'first' | 'last' = 'last',
  ): string {
    const zone = this.state.requireZone(zoneId);
    if (!isModelledPhase(phase))
      throw new Error(`FakeCloudflare.seedRulesetRule: phase ${String(phase)} is not modelled`);
    const problems = ruleProblems(rule, phase, zone, '');
    if (problems.length > 0) {
      throw new Error(`FakeCloudflare.seedRulesetRule: ${problems.map((p) => p.message).join('; ')}`);
    }
    const ruleset = this.state.entrypoint(zoneId, phase) ?? this.state.createEntrypoint(zoneId, phase);
    const stored = buildRule(rulesetRuleFields(rule));
    const rules = placeRule(ruleset.rules, stored, position === 'first' ? { before: '' } : undefined);
    try {
      writeRules(this.state, zone, ruleset, rules, { pointerOf: () => '', enforceQuota: false });
    } catch (error) {
      if (ruleset.version === 0) this.state.deleteRuleset(zoneId, ruleset.id);
      throw new Error(`FakeCloudflare.seedRulesetRule: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
    return stored.id;
  }

  /** As if deleted by hand in the dashboard (a new version of the entry point, which stays, maybe empty). */
  removeRulesetRule(zoneId: string, phase: FakeRulesetPhase, ruleId: string): void {
    const ruleset = this.state.entrypoint(zoneId, phase);
    const rules = ruleset?.rules.filter((r) => r.id !== ruleId);
    if (!ruleset || !rules || rules.length === ruleset.rules.length) {
      throw new Error(
        `FakeCloudflare.removeRulesetRule: no rule ${ruleId} in the ${phase} entry point of zone ${zoneId}`,
      );
    }
    this.state.commitRules(ruleset, rules);
  }

  /** Arms a fault; the handle tells whether it has fired (as often as `times` says). */
  injectFault(rule: FaultRule): InjectedFault {
    return this.faults.inject(rule);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  setRateLimit(limit?: RateLimit): void {
    this.limiter.configure(limit);
  }

  count429(): number {
    return this.exchanges.filter((e) => e.status === 429).length;
  }

  /** OpenAPI conformance problems seen in any request or response so far. */
  violations(): string[] {
    return [...this.problems];
  }

  /** Drops zones, rules, rulesets, tokens, faults, exchanges, violations and rate-limit counters (not the settings). */
  reset(): void {
    this.state.reset();
    this.faults.clear();
    this.limiter.reset();
    this.exchanges.length = 0;
    this.problems = [];
  }

  async stop(): Promise<void> {
    await this.http.close();
  }

  private pipelineDeps() {
    return {
      state: this.state,
      faults: this.faults,
      limiter: this.limiter,
      latencyMs: () => this.latencyMs,
      record: (exchange: RecordedExchange, violations: string[]) => {
        this.exchanges.push({ ...exchange, recordedAt: Date.now() });
        this.problems.push(...violations);
      },
    };
  }
}
