import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CloudflareGateway } from '../cloudflare/cloudflare.gateway.js';
import type { KeyBoundClient } from '../cloudflare/key-bound-client.js';
import { ConflictError, NotFoundError, ValidationError } from '../common/errors.js';
import { maskToken, parseKeyName, parseToken } from './api-key-input.validation.js';
import { CloudflareApiKey } from './cloudflare-api-key.entity.js';
import { KEY_SITES, type KeySites } from './key-sites.js';
import { TokenCipher } from './token-cipher.js';
import { type TokenCheck, TokenVerifier } from './token-verifier.js';

export interface ApiKeyView {
  id: string;
  name: string;
  token: string;
  accountId: string | null;
  isDefault: boolean;
  isActive: boolean;
  lastUsedAt: Date | null;
  lastVerifiedAt: Date | null;
  createdAt: Date;
}

export interface ApiKeyVerification extends Pick<TokenCheck, 'status' | 'owner' | 'detail'> {
  key: ApiKeyView;
}

export interface ApiKeyDeactivation {
  key: ApiKeyView;
  wasDefault: boolean;
  /** Sites that name this key and cannot be operated until it is activated again. */
  siteCount: number;
}

/**
 * Serialises every change of the default key across processes. The partial unique index
 * cloudflare_api_keys_one_default already forbids two defaults; without this lock two concurrent
 * "make X default" transactions could each clear the old default and one would then fail on the index.
 */
const DEFAULT_KEY_LOCK = 7_406_190_001;

const FOREIGN_KEY_VIOLATION = '23503';

@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger(ApiKeysService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly verifier: TokenVerifier,
    private readonly cipher: TokenCipher,
    private readonly gateway: CloudflareGateway,
    @Inject(KEY_SITES) private readonly sites: KeySites,
  ) {}

  private get repository() {
    return this.dataSource.getRepository(CloudflareApiKey);
  }

  async add(input: { name: string; token: string; makeDefault?: boolean }): Promise<ApiKeyView> {
    const name = parseKeyName(input.name);
    const token = parseToken(input.token);
    if (await this.repository.existsBy({ name })) {
      throw new ValidationError(`An API key named "${name}" already exists; choose another name.`, { field: 'name' });
    }
    const check = await this.requireActive(token);
    const saved = await this.dataSource.transaction(async (manager) => {
      await lockDefault(manager);
      const makeDefault = Boolean(input.makeDefault) || !(await manager.existsBy(CloudflareApiKey, { isDefault: true }));
      if (makeDefault) await manager.update(CloudflareApiKey, { isDefault: true }, { isDefault: false });
      return manager.save(
        manager.create(CloudflareApiKey, {
          name,
          ...this.tokenColumns(token, check),
          isDefault: makeDefault,
        }),
      );
    });
    return this.view(saved);
  }

  async list(): Promise<ApiKeyView[]> {
    const keys = await this.repository.find({ order: { name: 'ASC' } });
    return keys.map((key) => this.view(key));
  }

  /** The keys a zone sync walks: the default first, then by age, so that the same key always claims a shared zone. */
  async listActive(): Promise<CloudflareApiKey[]> {
    return this.repository.find({ where: { isActive: true }, order: { isDefault: 'DESC', createdAt: 'ASC', name: 'ASC' } });
  }

  async findByName(name: string): Promise<CloudflareApiKey> {
    const key = await this.repository.findOneBy({ name: name.trim() });
    if (!key) throw new NotFoundError(`Unknown API key "${name}". See \`maintenance api-keys list\`.`);
    return key;
  }

  async findById(id: string): Promise<CloudflareApiKey> {
    const key = await this.repository.findOneBy({ id });
    if (!key) throw new NotFoundError(`API key ${id} no longer exists.`);
    return key;
  }

  async findDefault(): Promise<CloudflareApiKey> {
    const key = await this.repository.findOneBy({ isDefault: true });
    if (!key) {
      throw new NotFoundError('No default API key: add one with `maintenance api-keys add <name> --default`, or pass --api-key.');
    }
    return key;
  }

  /** Clears the old default and sets the new one in one transaction, serialised against every other such change. */
  async setDefault(name: string): Promise<ApiKeyView> {
    const key = await this.findByName(name);
    if (!key.isActive) {
      throw new ValidationError(`API key "${key.name}" is deactivated; activate it with \`maintenance api-keys activate ${key.name}\` first.`);
    }
    await this.dataSource.transaction(async (manager) => {
      await lockDefault(manager);
      await manager.update(CloudflareApiKey, { isDefault: true }, { isDefault: false });
      const { affected } = await manager.update(CloudflareApiKey, { id: key.id, isActive: true }, { isDefault: true });
      if (affected !== 1) throw new ConflictError(`API key "${key.name}" was removed or deactivated meanwhile; nothing changed.`);
    });
    return this.view(await this.repository.findOneByOrFail({ id: key.id }));
  }

  /**
   * A deactivated key is never the default: deactivating the default leaves no default (none is picked
   * silently), and the key's sites cannot be operated, nor its zones synced, until it is activated again.
   */
  async deactivate(name: string): Promise<ApiKeyDeactivation> {
    const key = await this.findByName(name);
    await this.dataSource.transaction(async (manager) => {
      await lockDefault(manager);
      await manager.update(CloudflareApiKey, { id: key.id }, { isActive: false, isDefault: false });
    });
    return {
      key: this.view(await this.repository.findOneByOrFail({ id: key.id })),
      wasDefault: key.isDefault,
      siteCount: await this.sites.countUsingKey(key.id),
    };
  }

  /** Verifies the stored token again before the key is usable again; it does not become the default. */
  async activate(name: string): Promise<ApiKeyView> {
    const key = await this.findByName(name);
    const token = await this.decryptedToken(key.id);
    const check = await this.requireActive(token);
    await this.repository.update({ id: key.id }, { isActive: true, ...this.verifiedColumns(check) });
    return this.view(await this.repository.findOneByOrFail({ id: key.id }));
  }

  /** Asks Cloudflare about the stored token and records the answer; a refused token is reported, not thrown. */
  async verify(name: string): Promise<ApiKeyVerification> {
    const key = await this.findByName(name);
    const check = await this.verifier.check(await this.decryptedToken(key.id));
    await this.repository.update(
      { id: key.id },
      check.status === 'active' ? this.verifiedColumns(check) : { lastVerifiedAt: new Date() },
    );
    const updated = await this.repository.findOneByOrFail({ id: key.id });
    return { status: check.status, owner: check.owner, detail: check.detail, key: this.view(updated) };
  }

  /** Replaces the stored token with a new one, verified first; the old one stays if the new one is refused. */
  async rotate(name: string, rawToken: string): Promise<ApiKeyView> {
    const key = await this.findByName(name);
    const token = parseToken(rawToken);
    const check = await this.requireActive(token);
    await this.repository.update({ id: key.id }, this.tokenColumns(token, check));
    return this.view(await this.repository.findOneByOrFail({ id: key.id }));
  }

  /** Refused while any site names the key (the foreign key would refuse it too, even against a concurrent add). */
  async remove(name: string): Promise<ApiKeyView> {
    const key = await this.findByName(name);
    const sites = await this.sites.countUsingKey(key.id);
    if (sites > 0) throw this.inUse(key, sites);
    try {
      await this.repository.delete({ id: key.id });
    } catch (error) {
      if ((error as { driverError?: { code?: string } }).driverError?.code === FOREIGN_KEY_VIOLATION) {
        throw this.inUse(key, await this.sites.countUsingKey(key.id));
      }
      throw error;
    }
    return this.view(key);
  }

  /**
   * Cloudflare as this key sees it, for one operation: the token is read and decrypted once, and the
   * client's `markUsed` records last_used_at when the operation succeeded.
   */
  async clientFor(apiKeyId: string): Promise<KeyBoundClient> {
    return this.gateway.forToken(await this.tokenFor(apiKeyId), () => this.markUsed(apiKeyId));
  }

  /** The decrypted token of a key, for the Cloudflare gateway only (see clientFor). */
  async tokenFor(apiKeyId: string): Promise<string> {
    const key = await this.withToken(apiKeyId);
    if (!key.isActive) throw new ValidationError(`API key "${key.name}" is deactivated; activate it or move the site to another key.`);
    return this.cipher.decrypt(key.encryptedToken);
  }

  /**
   * Recorded after a successful operation only (the key-bound client's markUsed), so that a refused command
   * changes nothing. Bookkeeping: the operation is done and audited by then, so losing the database here
   * must not report it failed.
   */
  private async markUsed(apiKeyId: string): Promise<void> {
    try {
      await this.repository.update({ id: apiKeyId }, { lastUsedAt: new Date() });
    } catch (error) {
      this.logger.warn(`Could not record when API key ${apiKeyId} was last used: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async decryptedToken(apiKeyId: string): Promise<string> {
    return this.cipher.decrypt((await this.withToken(apiKeyId)).encryptedToken);
  }

  private async withToken(apiKeyId: string): Promise<CloudflareApiKey> {
    const key = await this.repository
      .createQueryBuilder('key')
      .addSelect('key.encryptedToken')
      .where('key.id = :apiKeyId', { apiKeyId })
      .getOne();
    if (!key) throw new NotFoundError(`API key ${apiKeyId} no longer exists.`);
    return key;
  }

  private async requireActive(token: string): Promise<TokenCheck> {
    const check = await this.verifier.check(token);
    if (check.status === 'invalid') {
      throw new ValidationError(`Cloudflare rejected this API token (${check.detail}); it was not saved.`, { field: 'token' });
    }
    if (check.status !== 'active') {
      throw new ValidationError(`Cloudflare reports this API token as ${check.status}; it was not saved.`, { field: 'token' });
    }
    return check;
  }

  private tokenColumns(token: string, check: TokenCheck) {
    return { encryptedToken: this.cipher.encrypt(token), tokenHint: token.slice(-4), ...this.verifiedColumns(check) };
  }

  private verifiedColumns(check: TokenCheck) {
    return { accountId: check.accountId, lastVerifiedAt: new Date() };
  }

  private inUse(key: CloudflareApiKey, sites: number): ConflictError {
    return new ConflictError(
      `API key "${key.name}" is used by ${sites} site${sites === 1 ? '' : 's'} and was not removed; ` +
        `remove those sites first, or deactivate the key with \`maintenance api-keys deactivate ${key.name}\`.`,
    );
  }

  private view(key: CloudflareApiKey): ApiKeyView {
    return {
      id: key.id,
      name: key.name,
      token: maskToken(key.tokenHint),
      accountId: key.accountId,
      isDefault: key.isDefault,
      isActive: key.isActive,
      lastUsedAt: key.lastUsedAt,
      lastVerifiedAt: key.lastVerifiedAt,
      createdAt: key.createdAt,
    };
  }
}

function lockDefault(manager: EntityManager): Promise<unknown> {
  return manager.query('SELECT pg_advisory_xact_lock($1)', [DEFAULT_KEY_LOCK]);
}
