import { BASE_PATH, handleRequest, type RequestInterceptor } from './exchange-pipeline.js';
import { FakeHttpServer } from './fake-cloudflare.server.js';
import { FakeState, PAGE_RULE_QUOTA_BY_PLAN, publicRule } from './fake-state.js';
import { FaultBook, type InjectedFault } from './faults.js';
import { duplicateTarget, pageRuleProblems, toRuleFields } from './page-rule-validation.js';
import { RateLimiter } from './rate-limiter.js';
import { buildRule, placeRule } from './ruleset-rules.js';
import { isModelledPhase, ruleProblems, rulesetRuleFields } from './ruleset-validation.js';
import { ruleQuota, writeRules } from './ruleset-writes.js';
import { hostInZone, matchesTarget } from './target-match.js';
import { checkRoutePattern } from './workers-route-pattern.js';
import type {
  FakeCloudflareOptions,
  FakePageRule,
  FakeRulesetPhase,
  FakeRulesetRule,
  FakeTokenInit,
  FakeZone,
  FakeZoneInit,
  FakeWorkerRoute,
  FakeWorkerScript,
  FaultRule,
  NewPageRule,
  NewRulesetRule,
  RateLimit,
  RecordedExchange,
  WorkersPermissions,
  ZonePlan,
} from './types.js';

/**
 * An in-process stand-in for the Cloudflare v4 API (tokens, zones, Page Rules, zone rulesets, Workers scripts and
 * routes), faithful to Cloudflare's behaviour and checked on every exchange against its OpenAPI document (the
 * Workers endpoints, which it lacks, against the SDK's types: workers-contract.ts). Point the SDK at `baseURL`.
 */
export class FakeCloudflare {
  readonly baseURL: string;
  readonly exchanges: RecordedExchange[] = [];

  private readonly state = new FakeState();
  private readonly faults = new FaultBook();
  private readonly limiter: RateLimiter;
  private latencyMs: number;
  private interceptor: RequestInterceptor | undefined;
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

  /*
   * Workers, for tests of the worker engine. Reading: `workerScript` / `workerScripts` (source, main module,
   * compatibility date, tags), `workerRoutes` (a zone's routes in creation order). Acting as the account's owner
   * would in the dashboard: `addWorkerScript` (their own Worker), `deleteWorkerScriptDirectly`, `setWorkersDevDirectly`, `addWorkerRoute`
   * (their own route), `alterWorkerRoute` and `removeWorkerRouteDirectly` (our route changed behind our back),
   * and `setWorkersAccess` (a token with Read or no Workers Scripts / Workers Routes permission).
   */

  /** A copy of the stored script, or undefined. */
  workerScript(accountId: string, name: string): FakeWorkerScript | undefined {
    const script = this.state.workers.script(accountId, name);
    return script && structuredClone(script);
  }

  workerScripts(accountId: string): FakeWorkerScript[] {
    return structuredClone(this.state.workers.scriptsOf(accountId));
  }

  /** A Worker the account's owner deployed themselves (an ES module answering "hello" unless `source` is given). */
  addWorkerScript(accountId: string, init: { name: string; source?: string; tags?: string[] }): FakeWorkerScript {
    const script = this.state.workers.putScript(accountId, init.name, {
      mainModule: 'index.js',
      source: init.source ?? "export default { fetch() { return new Response('hello'); } };",
      compatibilityDate: '2025-01-01',
      tags: init.tags ?? [],
    });
    return structuredClone(script);
  }

  /** Turns the script's workers.dev route (and Preview URLs) on or off as the dashboard's Domains & Routes does. */
  setWorkersDevDirectly(accountId: string, name: string, state: { enabled: boolean; previewsEnabled: boolean }): void {
    const script = this.state.workers.script(accountId, name);
    if (!script) throw new Error(`FakeCloudflare.setWorkersDevDirectly: no script ${name} in account ${accountId}`);
    script.workersDev = { ...state };
  }

  deleteWorkerScriptDirectly(accountId: string, name: string): void {
    if (!this.state.workers.deleteScript(accountId, name)) {
      throw new Error(`FakeCloudflare.deleteWorkerScriptDirectly: no script ${name} in account ${accountId}`);
    }
  }

  /** Copies of the zone's Worker routes, in creation order. */
  workerRoutes(zoneId: string): FakeWorkerRoute[] {
    this.state.requireZone(zoneId);
    return structuredClone(this.state.workers.routesOf(zoneId));
  }

  /** A route the zone's owner made, checked like an API route (pattern in the zone, unique, an existing script). */
  addWorkerRoute(zoneId: string, route: { pattern: string; script?: string }): FakeWorkerRoute {
    const zone = this.state.requireZone(zoneId);
    this.checkWorkerRoute(zone, route, undefined);
    return structuredClone(this.state.workers.insertRoute(zoneId, route));
  }

  /** Changes a route as if edited in the dashboard; `script: null` leaves it without a Worker. */
  alterWorkerRoute(zoneId: string, routeId: string, patch: { pattern?: string; script?: string | null }): FakeWorkerRoute {
    const zone = this.state.requireZone(zoneId);
    const route = this.state.workers.route(zoneId, routeId);
    if (!route) throw new Error(`FakeCloudflare.alterWorkerRoute: no route ${routeId} in zone ${zoneId}`);
    const script = patch.script === null ? undefined : (patch.script ?? route.script);
    const next = { pattern: patch.pattern ?? route.pattern, ...(script === undefined ? {} : { script }) };
    this.checkWorkerRoute(zone, next, route);
    return structuredClone(this.state.workers.replaceRoute(route, next));
  }

  removeWorkerRouteDirectly(zoneId: string, routeId: string): void {
    if (!this.state.workers.deleteRoute(zoneId, routeId)) {
      throw new Error(`FakeCloudflare.removeWorkerRouteDirectly: no route ${routeId} in zone ${zoneId}`);
    }
  }

  /** Sets what a token may do with Workers ("edit", "read" or "none" per group; a group left out is "edit"). */
  setWorkersAccess(token: string, workers: WorkersPermissions): void {
    const stored = this.state.token(token);
    if (!stored) throw new Error('FakeCloudflare.setWorkersAccess: no such token');
    stored.workers = { ...workers };
  }

  /** Arms a fault; the handle tells whether it has fired (as often as `times` says). */
  injectFault(rule: FaultRule): InjectedFault {
    return this.faults.inject(rule);
  }

  clearFaults(): void {
    this.faults.clear();
    this.interceptor = undefined;
  }

  /**
   * Calls `hook` on every request after its latency, before the fake handles it (until clearFaults): to answer
   * requests in another order, change zones between two pages, or fail one request chosen by its query.
   */
  intercept(hook: RequestInterceptor): void {
    this.interceptor = hook;
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

  /** Drops zones, rules, rulesets, Workers scripts and routes, tokens, faults, exchanges, violations and rate-limit counters (not the settings). */
  reset(): void {
    this.state.reset();
    this.faults.clear();
    this.interceptor = undefined;
    this.limiter.reset();
    this.exchanges.length = 0;
    this.problems = [];
  }

  async stop(): Promise<void> {
    await this.http.close();
  }

  private checkWorkerRoute(zone: FakeZone, route: { pattern: string; script?: string }, self: FakeWorkerRoute | undefined): void {
    const where = 'FakeCloudflare: Worker route';
    try {
      checkRoutePattern(route.pattern, zone.name);
    } catch (error) {
      throw new Error(`${where} ${route.pattern}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    if (this.state.workers.routesOf(zone.id).some((r) => r !== self && r.pattern === route.pattern)) {
      throw new Error(`${where} ${route.pattern}: the zone already has a route with this pattern`);
    }
    if (route.script !== undefined && !this.state.workers.script(zone.accountId, route.script)) {
      throw new Error(`${where} ${route.pattern}: account ${zone.accountId} has no script ${route.script} (addWorkerScript first)`);
    }
  }

  private pipelineDeps() {
    return {
      state: this.state,
      faults: this.faults,
      limiter: this.limiter,
      latencyMs: () => this.latencyMs,
      intercept: (request: Parameters<RequestInterceptor>[0]) => this.interceptor?.(request),
      record: (exchange: RecordedExchange, violations: string[]) => {
        this.exchanges.push({ ...exchange, recordedAt: Date.now() });
        this.problems.push(...violations);
      },
    };
  }
}
