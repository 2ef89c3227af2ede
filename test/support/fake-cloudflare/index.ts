export { FakeCloudflare } from './fake-cloudflare.js';
export { DEFAULT_ACCOUNT_ID, DEFAULT_ACCOUNT_NAME, PAGE_RULE_QUOTA_BY_PLAN } from './fake-state.js';
export { matchesTarget } from './target-match.js';
export { realmSafeFetch } from './realm-safe-fetch.js';
export type { InjectedFault } from './faults.js';
export type {
  FakeCloudflareOptions,
  FakePageRule,
  FakeRulesetPhase,
  FakeRulesetRule,
  FakeTokenInit,
  FakeWorkerRoute,
  FakeWorkerScript,
  FakeZone,
  FakeZoneInit,
  FaultKind,
  FaultRule,
  NewPageRule,
  NewRulesetRule,
  PageRuleTarget,
  RateLimit,
  RecordedExchange,
  WorkersAccess,
  WorkersPermissions,
  ZonePlan,
} from './types.js';
export { MAX_EXPRESSION_LENGTH, RULESET_PHASES } from './ruleset-validation.js';
