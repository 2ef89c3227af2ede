import { isCloudflareId, newId, nowIso } from './ids.js';
import { FakeWorkers } from './workers-state.js';
import type {
  FakePageRule,
  FakeRulesetRule,
  FakeToken,
  FakeTokenInit,
  FakeZone,
  FakeZoneInit,
  PageRuleStatus,
  PageRuleTarget,
  ZonePlan,
} from './types.js';

export const DEFAULT_ACCOUNT_ID = '9a7806061c88ada191ed06f989cc3dac';
export const DEFAULT_ACCOUNT_NAME = 'Fake Account';

export const PAGE_RULE_QUOTA_BY_PLAN: Record<ZonePlan, number> = { free: 3, pro: 20, business: 50, enterprise: 125 };

/** The zone-name pattern of Cloudflare's OpenAPI schema; a zone outside it could never be listed conformantly. */
const ZONE_NAME = /^([a-zA-Z0-9][-a-zA-Z0-9]*\.)+[-a-zA-Z0-9]{2,20}$/;

export interface StoredPageRule {
  id: string;
  zoneId: string;
  targets: PageRuleTarget[];
  actions: unknown[];
  priority: number;
  status: PageRuleStatus;
  createdOn: string;
  modifiedOn: string;
  /** Creation order: on a priority tie the older rule wins. */
  seq: number;
}

export type PageRuleFields = Pick<StoredPageRule, 'targets' | 'actions' | 'priority' | 'status'>;

/** A zone's phase entry-point ruleset (kind "zone"); `version` goes up by one at every write. */
export interface StoredRuleset {
  id: string;
  zoneId: string;
  name: string;
  description: string;
  phase: string;
  version: number;
  lastUpdated: string;
  rules: FakeRulesetRule[];
}

export interface Account {
  id: string;
  name: string;
}

/** Everything the fake Cloudflare knows: zones, Page Rules, rulesets, Workers and API tokens. */
export class FakeState {
  readonly workers = new FakeWorkers();
  private readonly zones = new Map<string, FakeZone>();
  private readonly rules = new Map<string, StoredPageRule[]>();
  private readonly rulesets = new Map<string, StoredRuleset[]>();
  private readonly tokens = new Map<string, FakeToken>();
  private seq = 0;

  addZone(init: FakeZoneInit): FakeZone {
    if (!ZONE_NAME.test(init.name)) throw new Error(`FakeCloudflare: "${init.name}" is not a valid zone name`);
    const id = init.id ?? newId();
    if (!isCloudflareId(id)) throw new Error(`FakeCloudflare: zone id "${id}" is not 32 lowercase hex characters`);
    if (this.zones.has(id)) throw new Error(`FakeCloudflare: zone ${id} already exists`);
    const accountId = init.accountId ?? DEFAULT_ACCOUNT_ID;
    const plan = init.plan ?? 'free';
    const now = nowIso();
    const zone: FakeZone = {
      id,
      name: init.name.toLowerCase(),
      accountId,
      accountName: init.accountName ?? this.accountName(accountId) ?? DEFAULT_ACCOUNT_NAME,
      plan,
      pageRuleQuota: init.pageRuleQuota ?? PAGE_RULE_QUOTA_BY_PLAN[plan],
      status: init.status ?? 'active',
      paused: init.paused ?? false,
      createdOn: now,
      modifiedOn: now,
    };
    this.zones.set(id, zone);
    this.rules.set(id, []);
    this.rulesets.set(id, []);
    return zone;
  }

  updateZone(zoneId: string, patch: Partial<Omit<FakeZone, 'id' | 'createdOn'>>): FakeZone {
    const zone = this.requireZone(zoneId);
    Object.assign(zone, patch, { modifiedOn: nowIso() });
    return zone;
  }

  removeZone(zoneId: string): void {
    this.zones.delete(zoneId);
    this.rules.delete(zoneId);
    this.rulesets.delete(zoneId);
    this.workers.forgetZone(zoneId);
  }

  zone(zoneId: string): FakeZone | undefined {
    return this.zones.get(zoneId);
  }

  requireZone(zoneId: string): FakeZone {
    const zone = this.zones.get(zoneId);
    if (!zone) throw new Error(`FakeCloudflare: no zone ${zoneId}`);
    return zone;
  }

  allZones(): FakeZone[] {
    return [...this.zones.values()];
  }

  accounts(): Account[] {
    const byId = new Map<string, Account>();
    for (const zone of this.zones.values()) byId.set(zone.accountId, { id: zone.accountId, name: zone.accountName });
    return [...byId.values()];
  }

  addToken(init: FakeTokenInit): FakeToken {
    const token: FakeToken = {
      id: this.tokens.get(init.token)?.id ?? newId(),
      token: init.token,
      status: init.status ?? 'active',
      accountIds: init.accountIds ? [...init.accountIds] : undefined,
      workers: init.workers ? { ...init.workers } : undefined,
    };
    this.tokens.set(init.token, token);
    return token;
  }

  token(value: string): FakeToken | undefined {
    return this.tokens.get(value);
  }

  /** The zone's rules, highest priority first; on a tie the older rule first, as it is the one that wins. */
  rulesOf(zoneId: string): StoredPageRule[] {
    return [...(this.rules.get(zoneId) ?? [])].sort((a, b) => b.priority - a.priority || a.seq - b.seq);
  }

  rule(zoneId: string, ruleId: string): StoredPageRule | undefined {
    return this.rules.get(zoneId)?.find((r) => r.id === ruleId);
  }

  insertRule(zoneId: string, fields: PageRuleFields): StoredPageRule {
    const list = this.rules.get(zoneId);
    if (!list) throw new Error(`FakeCloudflare: no zone ${zoneId}`);
    const now = nowIso();
    const rule: StoredPageRule = { id: newId(), zoneId, ...structuredClone(fields), createdOn: now, modifiedOn: now, seq: ++this.seq };
    list.push(rule);
    return rule;
  }

  replaceRule(rule: StoredPageRule, fields: PageRuleFields): StoredPageRule {
    Object.assign(rule, structuredClone(fields), { modifiedOn: nowIso() });
    return rule;
  }

  deleteRule(zoneId: string, ruleId: string): boolean {
    const list = this.rules.get(zoneId);
    const index = list?.findIndex((r) => r.id === ruleId) ?? -1;
    if (!list || index === -1) return false;
    list.splice(index, 1);
    return true;
  }

  rulesetsOf(zoneId: string): StoredRuleset[] {
    return this.rulesets.get(zoneId) ?? [];
  }

  ruleset(zoneId: string, rulesetId: string): StoredRuleset | undefined {
    return this.rulesetsOf(zoneId).find((r) => r.id === rulesetId);
  }

  entrypoint(zoneId: string, phase: string): StoredRuleset | undefined {
    return this.rulesetsOf(zoneId).find((r) => r.phase === phase);
  }

  /** A new, empty entry point at version 0: the write that fills it makes it version 1. */
  createEntrypoint(zoneId: string, phase: string, fields: { name?: string; description?: string } = {}): StoredRuleset {
    const list = this.rulesets.get(zoneId);
    if (!list) throw new Error(`FakeCloudflare: no zone ${zoneId}`);
    const ruleset: StoredRuleset = {
      id: newId(),
      zoneId,
      name: fields.name ?? 'default',
      description: fields.description ?? '',
      phase,
      version: 0,
      lastUpdated: nowIso(),
      rules: [],
    };
    list.push(ruleset);
    return ruleset;
  }

  /** Stores the ruleset's new rules as its next version. */
  commitRules(ruleset: StoredRuleset, rules: FakeRulesetRule[]): StoredRuleset {
    ruleset.rules = structuredClone(rules);
    ruleset.version += 1;
    ruleset.lastUpdated = nowIso();
    return ruleset;
  }

  deleteRuleset(zoneId: string, rulesetId: string): boolean {
    const list = this.rulesets.get(zoneId);
    const index = list?.findIndex((r) => r.id === rulesetId) ?? -1;
    if (!list || index === -1) return false;
    list.splice(index, 1);
    return true;
  }

  reset(): void {
    this.zones.clear();
    this.rules.clear();
    this.rulesets.clear();
    this.tokens.clear();
    this.workers.reset();
  }

  private accountName(accountId: string): string | undefined {
    return [...this.zones.values()].find((z) => z.accountId === accountId)?.accountName;
  }
}

export function publicRule(rule: StoredPageRule): FakePageRule {
  return { ...apiRule(rule), zoneId: rule.zoneId, targetValue: rule.targets[0]?.constraint.value ?? '' } as FakePageRule;
}

/** A rule as the Page Rules API returns it. */
export function apiRule(rule: StoredPageRule): Record<string, unknown> {
  return {
    id: rule.id,
    targets: structuredClone(rule.targets),
    actions: structuredClone(rule.actions),
    priority: rule.priority,
    status: rule.status,
    created_on: rule.createdOn,
    modified_on: rule.modifiedOn,
  };
}
