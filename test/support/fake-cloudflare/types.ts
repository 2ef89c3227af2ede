export type ZonePlan = 'free' | 'pro' | 'business' | 'enterprise';
export type ZoneStatus = 'active' | 'pending' | 'initializing' | 'moved' | 'deleted' | 'deactivated';
export type TokenStatus = 'active' | 'disabled' | 'expired';
export type PageRuleStatus = 'active' | 'disabled';

export interface FakeZoneInit {
  id?: string;
  name: string;
  accountId?: string;
  accountName?: string;
  plan?: ZonePlan;
  /** Default by plan: free 3, pro 20, business 50, enterprise 125. */
  pageRuleQuota?: number;
  status?: ZoneStatus;
  paused?: boolean;
}

export interface FakeZone {
  id: string;
  name: string;
  accountId: string;
  accountName: string;
  plan: ZonePlan;
  pageRuleQuota: number;
  status: ZoneStatus;
  paused: boolean;
  createdOn: string;
  modifiedOn: string;
}

/** The phases whose entry points the fake models; any other phase of the spec answers 404 or 500. */
export type FakeRulesetPhase = 'http_request_dynamic_redirect' | 'http_response_headers_transform';

/** A rule of a zone's phase entry point, as the Rulesets API returns it. */
export interface FakeRulesetRule {
  id: string;
  /** The rule's own version, "1" at creation and one more at each change. */
  version: string;
  action: string;
  expression: string;
  description: string;
  enabled: boolean;
  /** Defaults to the rule's id. */
  ref: string;
  last_updated: string;
  action_parameters?: Record<string, unknown>;
  logging?: { enabled: boolean };
}

/** A rule as a test seeds it, as if its owner made it in the dashboard. */
export interface NewRulesetRule {
  expression: string;
  action: string;
  action_parameters?: Record<string, unknown>;
  description?: string;
  ref?: string;
  enabled?: boolean;
}

/** A token's level on one Workers permission group; "read" passes list probes and fails writes with 403/10000. */
export type WorkersAccess = 'edit' | 'read' | 'none';

/** Workers Scripts (account) and Workers Routes (zone); a group left out is "edit". */
export interface WorkersPermissions {
  scripts?: WorkersAccess;
  routes?: WorkersAccess;
}

export interface FakeTokenInit {
  token: string;
  status?: TokenStatus;
  /** Accounts whose zones the token can see and edit; undefined = every account. */
  accountIds?: string[];
  /** Undefined = Edit on both Workers groups. */
  workers?: WorkersPermissions;
}

export interface FakeToken {
  id: string;
  token: string;
  status: TokenStatus;
  accountIds?: string[];
  workers?: WorkersPermissions;
}

/** A Worker script as uploaded (ES module format only). */
export interface FakeWorkerScript {
  accountId: string;
  name: string;
  mainModule: string;
  /** The main module's source. */
  source: string;
  /** Null when the upload gave none. */
  compatibilityDate: string | null;
  tags: string[];
  /** The script on the account's workers.dev subdomain, and its Preview URLs there; kept across uploads. */
  workersDev: { enabled: boolean; previewsEnabled: boolean };
  createdOn: string;
  modifiedOn: string;
  etag: string;
}

/** A Worker route of a zone, as the API shows it plus `zoneId`; no `script` = Workers disabled on the pattern. */
export interface FakeWorkerRoute {
  id: string;
  zoneId: string;
  pattern: string;
  script?: string;
}

export interface PageRuleTarget {
  target: 'url';
  constraint: { operator: 'matches'; value: string };
}

/** A Page Rule as the API shows it, plus `zoneId` and `targetValue` for convenience in tests. */
export interface FakePageRule {
  id: string;
  zoneId: string;
  targetValue: string;
  targets: PageRuleTarget[];
  actions: unknown[];
  priority: number;
  status: PageRuleStatus;
  created_on: string;
  modified_on: string;
}

export interface NewPageRule {
  targetValue: string;
  actions: unknown[];
  priority?: number;
  status?: PageRuleStatus;
}

export type FaultKind =
  | { status: number; code?: number; message?: string; retryAfterSeconds?: number }
  | 'reset'
  | 'timeout'
  | 'invalid-json'
  | 'success-false'
  /** What a proxy in front of Cloudflare answers when its origin fails: 502 with an HTML page. */
  | 'bad-gateway-html';

export interface FaultRule {
  method?: string;
  /** Matched against the path after /client/v4, without query string: a string must equal it, a RegExp match it. */
  path?: string | RegExp;
  /** Only requests whose query has these parameters with these values, e.g. `{ page: '2' }`. */
  query?: Record<string, string>;
  /** Let this many matching requests through first. */
  skip?: number;
  /** Default 1; Infinity allowed. */
  times?: number;
  fault: FaultKind;
  /** Carry the request out first, then lose or spoil its answer: "it worked, but the client never heard". */
  afterHandling?: boolean;
}

export interface RecordedExchange {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  /** 0 when the fake answered nothing (an injected 'reset' or 'timeout'). */
  status: number;
  responseBody: unknown;
  /** When the fake recorded it (ms since the epoch). */
  recordedAt?: number;
}

export interface RateLimit {
  requests: number;
  windowSeconds: number;
  /** The retry-after a 429 advertises, whatever the block really lasts (default: the time left in the block). */
  retryAfterSeconds?: number;
  /** Send the IETF-draft `Ratelimit` and `Ratelimit-Policy` headers Cloudflare documents (default true). */
  policyHeaders?: boolean;
}

export interface FakeCloudflareOptions {
  latencyMs?: number;
  rateLimit?: RateLimit;
}
