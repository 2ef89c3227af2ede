import { BASE_PATH, handleRequest, type RequestInterceptor } from './exchange-pipeline.js';
import { FakeHttpServer } from './fake-cloudflare.server.js';
import { FakeState, publicRule } from './fake-state.js';
import { FaultBook, type InjectedFault } from './faults.js';
import { duplicateTarget, pageRuleProblems, toRuleFields } from './page-rule-validation.js';
import { RateLimiter } from './rate-limiter.js';
import { hostInZone, matchesTarget } from './target-match.js';
import type {
  FakeCloudflareOptions,
  FakePageRule,
  FakeTokenInit,
  FakeZone,
  FakeZoneInit,
  FaultRule,
  NewPageRule,
  RateLimit,
  RecordedExchange,
} from './types.js';

/**
 * An in-process stand-in for the Cloudflare v4 API (tokens, zones, Page Rules), faithful to Cloudflare's
 * behaviour and checked against its OpenAPI document on every exchange. Point the SDK at `baseURL`.
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

  /** Drops zones, rules, tokens, faults, exchanges, violations and rate-limit counters (not the settings). */
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
