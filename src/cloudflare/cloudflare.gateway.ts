import { Inject, Injectable } from '@nestjs/common';
import type Cloudflare from 'cloudflare';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import type { CallPath, Envelope, SdkCall } from './call-path.js';
import { CloudflareApiError } from './cloudflare-api.error.js';
import { isForwardingRule } from './forwarding-rule.js';
import { KeyBoundClient } from './key-bound-client.js';
import { scrubSecrets, toCloudflareApiError, unsuccessfulEnvelopeError } from './error-mapping.js';
import {
  accountListSchema,
  type AccountRecord,
  deletedSchema,
  envelopeSchema,
  pageRuleListSchema,
  pageRuleSchema,
  type PageRuleRecord,
  tokenVerificationSchema,
  type TokenVerification,
  zoneListSchema,
  zoneSchema,
  type ZoneRecord,
} from './response-schemas.js';
import { parseRateLimitHeaders, type RateLimitSignal } from './rate-limit-headers.js';
import { RequestBudget } from './request-budget.js';
import { loadSdk, type Sdk } from './sdk.js';
import { type RateLimitDeadline, type RetryPolicy, withRetry } from './retry-policy.js';
import {
  isNoEntrypoint,
  type RulesetPhase,
  type RulesetRecord,
  type RulesetRuleRecord,
  type RulesetRuleSpec,
  rulesetSchema,
  withoutSecrets,
} from './rulesets.js';
import * as workersApi from './workers-api.js';
import type { MissingWorkerPermission, WorkerRouteRecord, WorkersDevState, WorkerScriptState, WorkerScriptUpload } from './workers.js';

/** What a maintenance rule does: send every matching request to the maintenance page with a 302. */
export interface ForwardingRuleSpec {
  target: string;
  forwardUrl: string;
  priority: number;
}

/** SDK clients kept for reuse: at most this many tokens, each dropped after this long unused. */
const CLIENTS_KEPT = 16;
const CLIENT_IDLE_MS = 60_000;

/** The only code that talks to Cloudflare. Every call goes through the official SDK and our retry policy. */
@Injectable()
export class CloudflareGateway {
  private readonly policy: RetryPolicy;
  /** By token, least recently used first (docs/stack-notes.md#the-cloudflare-sdk-client-is-costly-to-build). */
  private readonly clients = new Map<string, { client: Cloudflare; usedAt: number }>();
  private readonly path: CallPath = {
    call: (token, operation, schema, request) => this.call(token, operation, schema, request),
    once: (token, operation, schema, deadline, request) => this.once(token, operation, schema, deadline, request),
    retry: (attempt, hooks) => withRetry(this.policy, attempt, hooks),
  };

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly budget: RequestBudget,
  ) {
    this.policy = {
      retries: config.CLOUDFLARE_MAX_RETRIES,
      minBackoffMs: 250,
      rateLimitMaxWaitMs: config.CLOUDFLARE_RATE_LIMIT_MAX_WAIT_SECONDS * 1000,
    };
  }

  /** The API bound to one token; `markUsed` is what the client calls when its operation succeeded. */
  forToken(token: string, markUsed: () => Promise<void>): KeyBoundClient {
    return new KeyBoundClient(this, token, markUsed);
  }

  async verifyToken(token: string): Promise<TokenVerification> {
    const { result } = await this.call(token, 'verify the API token', tokenVerificationSchema, (client) =>
      client.user.tokens.verify(),
    );
    return result;
  }

  async getZone(token: string, zoneId: string): Promise<ZoneRecord> {
    const { result } = await this.call(token, `read zone ${zoneId}`, zoneSchema, (client) =>
      client.zones.get({ zone_id: zoneId }),
    );
    return result;
  }

  async findZoneByName(token: string, name: string): Promise<ZoneRecord | undefined> {
    const { result } = await this.call(token, `look up the zone of ${name}`, zoneListSchema, (client) =>
      client.zones.list({ name, per_page: 5 }),
    );
    return result.find((zone) => zone.name === name);
  }

  /** One page of the zones the token can see; the last page is the first empty one (docs/cloudflare-facts.md#zones-and-pagination). */
  async listZonesPage(token: string, page: number, perPage = 50): Promise<{ zones: ZoneRecord[]; totalPages?: number }> {
    const { result, resultInfo } = await this.call(token, `list zones (page ${page})`, zoneListSchema, (client) =>
      client.zones.list({ page, per_page: perPage }),
    );
    return { zones: result, totalPages: resultInfo?.total_pages };
  }

  async listAccounts(token: string): Promise<AccountRecord[]> {
    const { result } = await this.call(token, 'list the accounts of the API token', accountListSchema, (client) =>
      client.accounts.list({ per_page: 50 }),
    );
    return result;
  }

  async listPageRules(token: string, zoneId: string): Promise<PageRuleRecord[]> {
    const { result } = await this.call(token, `list the Page Rules of zone ${zoneId}`, pageRuleListSchema, (client) =>
      client.pageRules.list({ zone_id: zoneId }),
    );
    return result;
  }

  /**
   * A POST that timed out may still have created the rule; Cloudflare would then refuse the retry as a
   * duplicate target. So before each retry we look for the rule and adopt it if it is there.
   */
  async createForwardingRule(token: string, zoneId: string, spec: ForwardingRuleSpec): Promise<PageRuleRecord> {
    let adopted: PageRuleRecord | undefined;
    const operation = `create the Page Rule ${spec.target} in zone ${zoneId}`;
    const create = async (deadline?: RateLimitDeadline): Promise<PageRuleRecord> => {
      if (adopted) return adopted;
      const { result } = await this.once(token, operation, pageRuleSchema, deadline, (client) =>
        client.pageRules.create({
          zone_id: zoneId,
          targets: [{ target: 'url', constraint: { operator: 'matches', value: spec.target } }],
          actions: [{ id: 'forwarding_url', value: { url: spec.forwardUrl, status_code: 302 } }],
          priority: spec.priority,
          // Cloudflare's default is "disabled" (docs/cloudflare-facts.md#page-rules).
          status: 'active',
        }),
      );
      return result;
    };
    return withRetry(this.policy, create, {
      beforeRetry: async () => {
        const rules = await this.once(token, operation, pageRuleListSchema, undefined, (client) =>
          client.pageRules.list({ zone_id: zoneId }),
        );
        adopted = rules.result.find((rule) => isForwardingRule(rule, spec.target, spec.forwardUrl));
      },
    });
  }

  /** Returns false when the rule was already gone (deleted by hand): the goal is reached either way. */
  async deletePageRule(token: string, zoneId: string, ruleId: string): Promise<boolean> {
    try {
      await this.call(token, `delete Page Rule ${ruleId} in zone ${zoneId}`, deletedSchema, (client) =>
        client.pageRules.delete(ruleId, { zone_id: zoneId }),
      );
      return true;
    } catch (error) {
      if (error instanceof CloudflareApiError && error.details.httpStatus === 404) return false;
      throw error;
    }
  }

  /** The phase's entrypoint ruleset of the zone, or null when the zone has none yet (Cloudflare answers 404). */
  async getEntrypoint(token: string, zoneId: string, phase: RulesetPhase): Promise<RulesetRecord | null> {
    try {
      const { result } = await this.call(token, `read the ${phase} rules of zone ${zoneId}`, rulesetSchema, (client) =>
        client.rulesets.phases.get(phase, { zone_id: zoneId }),
      );
      return result;
    } catch (error) {
      if (isNoEntrypoint(error)) return null;
      throw error;
    }
  }

  /**
   * Puts our rule first in the phase. With no entrypoint yet (`rulesetId` null) it creates one holding
   * only our rule; otherwise it adds the rule at index 1, never replacing the rules already there
   * (a PUT would). A POST whose answer was lost may have been carried out: before each retry the
   * entrypoint is read again, our rule (by `ref`) adopted if it is there, and a PUT turned into a POST if
   * an entrypoint appeared meanwhile. `secrets` are removed from any error (Cloudflare may echo the expression).
   */
  async addRuleFirst(
    token: string,
    zoneId: string,
    phase: RulesetPhase,
    rulesetId: string | null,
    spec: RulesetRuleSpec,
    secrets: readonly string[] = [],
  ): Promise<{ rulesetId: string; rule: RulesetRuleRecord }> {
    let into = rulesetId;
    let adopted: { rulesetId: string; rule: RulesetRuleRecord } | undefined;
    const operation = `add rule ${spec.ref} to the ${phase} rules of zone ${zoneId}`;
    const attempt = async (deadline?: RateLimitDeadline) => {
      if (adopted) return adopted;
      const target = into;
      const { result } =
        target === null
          ? await this.once(token, operation, rulesetSchema, deadline, (client) =>
              client.rulesets.phases.update(phase, { zone_id: zoneId, rules: [spec] as never }),
            )
          : await this.once(token, operation, rulesetSchema, deadline, (client) =>
              client.rulesets.rules.create(target, { zone_id: zoneId, ...spec, position: { index: 1 } }),
            );
      return { rulesetId: result.id, rule: ruleByRef(result, spec.ref, operation) };
    };
    try {
      return await withRetry(this.policy, attempt, {
        beforeRetry: async () => {
          const { result } = await this.once(token, `read the ${phase} rules of zone ${zoneId}`, rulesetSchema, undefined, (client) =>
            client.rulesets.phases.get(phase, { zone_id: zoneId }),
          ).catch((error: unknown) => {
            if (isNoEntrypoint(error)) return { result: null };
            throw error;
          });
          into = result?.id ?? null;
          const ours = result?.rules.find((rule) => rule.ref === spec.ref);
          if (result && ours) adopted = { rulesetId: result.id, rule: ours };
        },
      });
    } catch (error) {
      throw withoutSecrets(error, secrets);
    }
  }

  /** Replaces one rule's definition (Cloudflare's PATCH needs the whole of it); its place in the order is kept. */
  async updateRule(
    token: string,
    zoneId: string,
    rulesetId: string,
    ruleId: string,
    spec: RulesetRuleSpec,
    secrets: readonly string[] = [],
  ): Promise<RulesetRuleRecord> {
    const operation = `update rule ${spec.ref} (${ruleId}) in zone ${zoneId}`;
    try {
      const { result } = await this.call(token, operation, rulesetSchema, (client) =>
        client.rulesets.rules.edit(ruleId, { zone_id: zoneId, ruleset_id: rulesetId, ...spec }),
      );
      return ruleByRef(result, spec.ref, operation);
    } catch (error) {
      throw withoutSecrets(error, secrets);
    }
  }

  /** Returns false when the rule (or its ruleset) was already gone: the goal is reached either way. */
  async deleteRule(token: string, zoneId: string, rulesetId: string, ruleId: string): Promise<boolean> {
    try {
      await this.call(token, `delete rule ${ruleId} in zone ${zoneId}`, rulesetSchema.or(deletedSchema).or(z.null()), (client) =>
        client.rulesets.rules.delete(ruleId, { zone_id: zoneId, ruleset_id: rulesetId }),
      );
      return true;
    } catch (error) {
      if (error instanceof CloudflareApiError && error.details.httpStatus === 404) return false;
      throw error;
    }
  }

  uploadWorkerScript(token: string, upload: WorkerScriptUpload): Promise<void> {
    return workersApi.uploadWorkerScript(this.path, token, upload);
  }

  getWorkerScript(token: string, accountId: string, scriptName: string): Promise<WorkerScriptState | null> {
    return workersApi.getWorkerScript(this.path, token, accountId, scriptName);
  }

  getWorkersDev(token: string, accountId: string, scriptName: string): Promise<WorkersDevState | null> {
    return workersApi.getWorkersDev(this.path, token, accountId, scriptName);
  }

  disableWorkersDev(token: string, accountId: string, scriptName: string): Promise<WorkersDevState> {
    return workersApi.disableWorkersDev(this.path, token, accountId, scriptName);
  }

  deleteWorkerScript(token: string, accountId: string, scriptName: string): Promise<boolean> {
    return workersApi.deleteWorkerScript(this.path, token, accountId, scriptName);
  }

  listWorkerRoutes(token: string, zoneId: string): Promise<WorkerRouteRecord[]> {
    return workersApi.listWorkerRoutes(this.path, token, zoneId);
  }

  createWorkerRoute(token: string, zoneId: string, pattern: string, script: string): Promise<WorkerRouteRecord> {
    return workersApi.createWorkerRoute(this.path, token, zoneId, pattern, script);
  }

  updateWorkerRoute(token: string, zoneId: string, routeId: string, pattern: string, script: string): Promise<WorkerRouteRecord> {
    return workersApi.updateWorkerRoute(this.path, token, zoneId, routeId, pattern, script);
  }

  deleteWorkerRoute(token: string, zoneId: string, routeId: string): Promise<boolean> {
    return workersApi.deleteWorkerRoute(this.path, token, zoneId, routeId);
  }

  missingWorkerPermissions(token: string, accountId: string, zoneId: string): Promise<MissingWorkerPermission[]> {
    return workersApi.missingWorkerPermissions(this.path, token, accountId, zoneId);
  }

  private call<T>(
    token: string,
    operation: string,
    schema: z.ZodType<T>,
    request: (client: Cloudflare) => SdkCall,
  ): Promise<Envelope<T>> {
    return withRetry(this.policy, (deadline) => this.once(token, operation, schema, deadline, request));
  }

  private async once<T>(
    token: string,
    operation: string,
    schema: z.ZodType<T>,
    deadline: RateLimitDeadline | undefined,
    request: (client: Cloudflare) => SdkCall,
  ): Promise<Envelope<T>> {
    const sdk = await loadSdk();
    const slot = await this.budget.acquire(token, deadline);
    let answer: RateLimitSignal = {};
    let refused = false;
    try {
      const response = await request(this.client(sdk, token)).asResponse();
      answer = parseRateLimitHeaders(response.headers);
      const envelope = envelopeSchema.safeParse(await response.json());
      if (!envelope.success) throw this.unexpected(operation, envelope.error, token);
      if (!envelope.data.success) {
        throw unsuccessfulEnvelopeError(operation, envelope.data.errors, envelope.data.messages, token);
      }
      const result = schema.safeParse(envelope.data.result);
      if (!result.success) throw this.unexpected(operation, result.error, token);
      return { result: result.data, resultInfo: envelope.data.result_info };
    } catch (error) {
      const failure = toCloudflareApiError(error, operation, token, sdk);
      refused = failure.details.httpStatus === 429;
      // The pause and what Cloudflare said apply to every process on this token before anyone retries.
      if (refused) await this.budget.rateLimited(token, slot, failure.details.rateLimit);
      throw failure;
    } finally {
      if (!refused) await this.budget.finished(token, slot, answer);
    }
  }

  private unexpected(operation: string, error: z.ZodError, token: string): CloudflareApiError {
    const where = error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    return new CloudflareApiError(scrubSecrets(`Cloudflare's answer to "${operation}" was not as expected: ${where}`, token), {
      code: null,
      httpStatus: null,
      retryable: false,
    });
  }

  /**
   * Building an SDK client costs milliseconds of CPU (it builds every one of its API resources), so a token's
   * client is reused while the token is in use, and dropped after a minute idle.
   */
  private client(sdk: Sdk, token: string): Cloudflare {
    const now = performance.now();
    for (const [kept, { usedAt }] of this.clients) if (now - usedAt > CLIENT_IDLE_MS) this.clients.delete(kept);
    const client = this.clients.get(token)?.client ?? this.newClient(sdk, token);
    this.clients.delete(token);
    this.clients.set(token, { client, usedAt: now });
    if (this.clients.size > CLIENTS_KEPT) this.clients.delete(this.clients.keys().next().value!);
    return client;
  }

  private newClient(sdk: Sdk, token: string): Cloudflare {
    // Everything explicit: the SDK would otherwise pick credentials and base URL from the environment.
    return new sdk.default({
      apiToken: token,
      apiKey: null,
      apiEmail: null,
      userServiceKey: null,
      baseURL: this.config.CLOUDFLARE_API_BASE_URL,
      maxRetries: 0,
      timeout: this.config.CLOUDFLARE_TIMEOUT_MS,
      logLevel: 'off',
    });
  }
}

function ruleByRef(ruleset: RulesetRecord, ref: string, operation: string): RulesetRuleRecord {
  const rule = ruleset.rules.find((candidate) => candidate.ref === ref);
  if (!rule) {
    throw new CloudflareApiError(`Cloudflare's answer to "${operation}" does not hold the rule ${ref}`, { code: null, httpStatus: null, retryable: false });
  }
  return rule;
}
