import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Role } from '../access/roles.js';
import type { SiteScope } from '../access/site-scope.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { AppError, NotFoundError, ValidationError } from '../common/errors.js';
import { SiteSelectionService } from '../sites/site-selection.service.js';
import { issueSecret, secretMatches, splitToken, visiblePrefix } from './api-token-secret.js';
import { parseExpiry, parseRole, parseTokenName } from './api-token-input.validation.js';
import { ApiToken } from './api-token.entity.js';

export interface CreateTokenInput {
  name: string;
  role: string | undefined;
  /** Restrict to these domains (each a registered site)… */
  sites?: string[];
  /** …or to the sites of this Cloudflare key. */
  apiKeyName?: string;
  /** `90d`, `12h`; none: the token does not expire. */
  expires?: string;
}

export type TokenStatus = 'active' | 'expired' | 'revoked';

export interface ApiTokenView {
  name: string;
  /** `cfm_<lookup id>`: the start of the token, enough to recognise it, none of its secret. */
  prefix: string;
  role: Role;
  sites: string[];
  apiKeys: string[];
  status: TokenStatus;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
}

/** Who called the API: a token that is live, with its role and site scope. */
export interface ApiPrincipal {
  tokenId: string;
  name: string;
  role: Role;
  scope: SiteScope;
}

export type Authentication = { principal: ApiPrincipal } | { refused: 'invalid' | 'expired' | 'revoked' };

const UNIQUE_VIOLATION = '23505';
/** A hash no secret has: compared against when the lookup id is unknown, so that a miss costs what a hit does. */
const DECOY_HASH = Buffer.alloc(32);

@Injectable()
export class ApiTokensService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly apiKeys: ApiKeysService,
    private readonly selection: SiteSelectionService,
  ) {}

  private get repository() {
    return this.dataSource.getRepository(ApiToken);
  }

  /** The new token, whose `token` is shown once and never again. */
  async create(input: CreateTokenInput, now = new Date()): Promise<ApiTokenView & { token: string }> {
    const name = parseTokenName(input.name);
    const role = parseRole(input.role);
    const expiresAt = input.expires === undefined ? null : parseExpiry(input.expires, now);
    if (input.sites?.length && input.apiKeyName !== undefined) {
      throw new ValidationError('Give --sites or --api-key, not both: a token is restricted by domain or by Cloudflare key.', { field: 'sites' });
    }
    const siteDomains = input.sites?.length
      ? (await asInput('sites', () => this.selection.select({ domains: input.sites }))).map((site) => site.domain)
      : [];
    const apiKeyIds = input.apiKeyName === undefined ? [] : [(await asInput('apiKeyName', () => this.apiKeys.findByName(input.apiKeyName!))).id];
    const taken = () => new ValidationError(`An API token named ${name} already exists; revoke it first or choose another name.`, { field: 'name' });
    if (await this.live(name)) throw taken();
    const secret = issueSecret();
    try {
      const saved = await this.repository.save(
        this.repository.create({ name, role, lookupId: secret.lookupId, secretHash: secret.secretHash, siteDomains, apiKeyIds, expiresAt }),
      );
      return { ...(await this.view(saved, now)), token: secret.token };
    } catch (error) {
      if ((error as { driverError?: { code?: string } }).driverError?.code === UNIQUE_VIOLATION) throw taken();
      throw error;
    }
  }

  async list(now = new Date()): Promise<ApiTokenView[]> {
    const tokens = await this.repository.find({ order: { name: 'ASC', createdAt: 'DESC' } });
    const keyNames = await this.keyNames();
    return tokens.map((token) => viewOf(token, keyNames, now));
  }

  async revoke(rawName: string, now = new Date()): Promise<ApiTokenView> {
    const name = parseTokenName(rawName);
    const token = await this.live(name);
    if (!token) throw new NotFoundError(`There is no API token ${name} that is not revoked; \`maintenance api-tokens list\` lists them.`);
    await this.repository.update({ id: token.id }, { revokedAt: now });
    token.revokedAt = now;
    return this.view(token, now);
  }

  /** The caller behind a presented token; a refusal says why (an unknown and a malformed token alike: `invalid`). */
  async authenticate(presented: string, now = new Date()): Promise<Authentication> {
    const parts = splitToken(presented);
    const token = parts
      ? await this.repository.createQueryBuilder('token').addSelect('token.secretHash').where('token.lookupId = :id', { id: parts.lookupId }).getOne()
      : null;
    const matches = secretMatches(parts?.secret ?? '', token?.secretHash ?? DECOY_HASH);
    if (!token || !matches) return { refused: 'invalid' };
    if (token.revokedAt) return { refused: 'revoked' };
    if (token.expiresAt && token.expiresAt <= now) return { refused: 'expired' };
    // At most one write a minute per token: last_used_at tells a stale token from a live one, to the minute.
    await this.repository
      .createQueryBuilder()
      .update()
      .set({ lastUsedAt: now })
      .where('id = :id AND (last_used_at IS NULL OR last_used_at < :since)', { id: token.id, since: new Date(now.getTime() - 60_000) })
      .execute();
    return {
      principal: { tokenId: token.id, name: token.name, role: token.role, scope: { domains: token.siteDomains, apiKeyIds: token.apiKeyIds } },
    };
  }

  private live(name: string): Promise<ApiToken | null> {
    return this.repository.createQueryBuilder('token').where('token.name = :name AND token.revokedAt IS NULL', { name }).getOne();
  }

  private async view(token: ApiToken, now: Date): Promise<ApiTokenView> {
    return viewOf(token, await this.keyNames(), now);
  }

  private async keyNames(): Promise<Map<string, string>> {
    return new Map((await this.apiKeys.list()).map((key) => [key.id, key.name]));
  }
}

/** A site or key the input names that does not exist is bad input in that field (exit 2, the message beside it). */
async function asInput<T>(field: string, lookup: () => Promise<T>): Promise<T> {
  try {
    return await lookup();
  } catch (error) {
    if (error instanceof AppError && (error.kind === 'not_found' || error.kind === 'validation')) throw new ValidationError(error.message, { field });
    throw error;
  }
}

function viewOf(token: ApiToken, keyNames: Map<string, string>, now: Date): ApiTokenView {
  const status: TokenStatus = token.revokedAt ? 'revoked' : token.expiresAt && token.expiresAt <= now ? 'expired' : 'active';
  return {
    name: token.name,
    prefix: visiblePrefix(token.lookupId),
    role: token.role,
    sites: token.siteDomains,
    apiKeys: token.apiKeyIds.map((id) => keyNames.get(id) ?? `(removed key ${id})`),
    status,
    expiresAt: token.expiresAt,
    revokedAt: token.revokedAt,
    lastUsedAt: token.lastUsedAt,
    createdAt: token.createdAt,
  };
}
