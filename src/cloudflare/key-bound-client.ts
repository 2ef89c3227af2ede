import type { CloudflareGateway, ForwardingRuleSpec } from './cloudflare.gateway.js';
import type { PageRuleRecord, ZoneRecord } from './response-schemas.js';
import type { RulesetPhase, RulesetRecord, RulesetRuleRecord, RulesetRuleSpec } from './rulesets.js';
import type { MissingWorkerPermission, WorkerRouteRecord, WorkersDevState, WorkerScriptState, WorkerScriptUpload } from './workers.js';

/**
 * The Cloudflare API as one stored key sees it, obtained once per operation: the token stays inside,
 * and `markUsed` records the key's use once the operation has succeeded (never for a refused one).
 */
export class KeyBoundClient {
  readonly #gateway: CloudflareGateway;
  readonly #token: string;
  readonly #markUsed: () => Promise<void>;

  constructor(gateway: CloudflareGateway, token: string, markUsed: () => Promise<void>) {
    this.#gateway = gateway;
    this.#token = token;
    this.#markUsed = markUsed;
  }

  getZone(zoneId: string): Promise<ZoneRecord> {
    return this.#gateway.getZone(this.#token, zoneId);
  }

  findZoneByName(name: string): Promise<ZoneRecord | undefined> {
    return this.#gateway.findZoneByName(this.#token, name);
  }

  listZonesPage(page: number, perPage?: number): Promise<{ zones: ZoneRecord[]; totalPages?: number }> {
    return this.#gateway.listZonesPage(this.#token, page, perPage);
  }

  listPageRules(zoneId: string): Promise<PageRuleRecord[]> {
    return this.#gateway.listPageRules(this.#token, zoneId);
  }

  createForwardingRule(zoneId: string, spec: ForwardingRuleSpec): Promise<PageRuleRecord> {
    return this.#gateway.createForwardingRule(this.#token, zoneId, spec);
  }

  deletePageRule(zoneId: string, ruleId: string): Promise<boolean> {
    return this.#gateway.deletePageRule(this.#token, zoneId, ruleId);
  }

  getEntrypoint(zoneId: string, phase: RulesetPhase): Promise<RulesetRecord | null> {
    return this.#gateway.getEntrypoint(this.#token, zoneId, phase);
  }

  addRuleFirst(
    zoneId: string,
    phase: RulesetPhase,
    rulesetId: string | null,
    spec: RulesetRuleSpec,
    secrets?: readonly string[],
  ): Promise<{ rulesetId: string; rule: RulesetRuleRecord }> {
    return this.#gateway.addRuleFirst(this.#token, zoneId, phase, rulesetId, spec, secrets);
  }

  updateRule(zoneId: string, rulesetId: string, ruleId: string, spec: RulesetRuleSpec, secrets?: readonly string[]): Promise<RulesetRuleRecord> {
    return this.#gateway.updateRule(this.#token, zoneId, rulesetId, ruleId, spec, secrets);
  }

  deleteRule(zoneId: string, rulesetId: string, ruleId: string): Promise<boolean> {
    return this.#gateway.deleteRule(this.#token, zoneId, rulesetId, ruleId);
  }

  uploadWorkerScript(upload: WorkerScriptUpload): Promise<void> {
    return this.#gateway.uploadWorkerScript(this.#token, upload);
  }

  getWorkerScript(accountId: string, scriptName: string): Promise<WorkerScriptState | null> {
    return this.#gateway.getWorkerScript(this.#token, accountId, scriptName);
  }

  getWorkersDev(accountId: string, scriptName: string): Promise<WorkersDevState | null> {
    return this.#gateway.getWorkersDev(this.#token, accountId, scriptName);
  }

  disableWorkersDev(accountId: string, scriptName: string): Promise<WorkersDevState> {
    return this.#gateway.disableWorkersDev(this.#token, accountId, scriptName);
  }

  deleteWorkerScript(accountId: string, scriptName: string): Promise<boolean> {
    return this.#gateway.deleteWorkerScript(this.#token, accountId, scriptName);
  }

  listWorkerRoutes(zoneId: string): Promise<WorkerRouteRecord[]> {
    return this.#gateway.listWorkerRoutes(this.#token, zoneId);
  }

  createWorkerRoute(zoneId: string, pattern: string, script: string): Promise<WorkerRouteRecord> {
    return this.#gateway.createWorkerRoute(this.#token, zoneId, pattern, script);
  }

  updateWorkerRoute(zoneId: string, routeId: string, pattern: string, script: string): Promise<WorkerRouteRecord> {
    return this.#gateway.updateWorkerRoute(this.#token, zoneId, routeId, pattern, script);
  }

  deleteWorkerRoute(zoneId: string, routeId: string): Promise<boolean> {
    return this.#gateway.deleteWorkerRoute(this.#token, zoneId, routeId);
  }

  /** Names what the token lacks for the worker engine, before any write; [] when both probes answer. */
  missingWorkerPermissions(accountId: string, zoneId: string): Promise<MissingWorkerPermission[]> {
    return this.#gateway.missingWorkerPermissions(this.#token, accountId, zoneId);
  }

  markUsed(): Promise<void> {
    return this.#markUsed();
  }
}
