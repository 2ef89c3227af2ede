import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CloudflareApiError } from '../cloudflare/cloudflare-api.error.js';
import { CloudflareGateway } from '../cloudflare/cloudflare.gateway.js';
import { NotFoundError, ValidationError } from '../common/errors.js';
import { maskToken, parseKeyName, parseToken } from './api-key-input.validation.js';
import { CloudflareApiKey } from './cloudflare-api-key.entity.js';
import { TokenCipher } from './token-cipher.js';

export interface ApiKeyView {
  id: string;
  name: string;
  token: string;
  accountId: string | null;
  isDefault: boolean;
  isActive: boolean;
  lastUsedAt: Date | null;
  createdAt: Date;
}

// Cloudflare's answers for a token it does not accept: malformed header, invalid token, not allowed.
const REJECTED_TOKEN_CODES = new Set([1000, 6003, 6111, 9109, 10000]);

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly gateway: CloudflareGateway,
    private readonly cipher: TokenCipher,
  ) {}

  private get repository() {
    return this.dataSource.getRepository(CloudflareApiKey);
  }

  async add(input: { name: string; token: string; makeDefault?: boolean }): Promise<ApiKeyView> {
    const name = parseKeyName(input.name);
    const token = parseToken(input.token);
    if (await this.repository.existsBy({ name })) {
      throw new ValidationError(`An API key named "${name}" already exists; choose another name.`);
    }
    await this.verify(token);
    const saved = await this.dataSource.transaction(async (manager) => {
      const hasDefault = await manager.existsBy(CloudflareApiKey, { isDefault: true });
      const makeDefault = Boolean(input.makeDefault) || !hasDefault;
      if (makeDefault && hasDefault) await manager.update(CloudflareApiKey, { isDefault: true }, { isDefault: false });
      return manager.save(
        manager.create(CloudflareApiKey, {
          name,
          encryptedToken: this.cipher.encrypt(token),
          tokenHint: token.slice(-4),
          isDefault: makeDefault,
          lastVerifiedAt: new Date(),
        }),
      );
    });
    return this.view(saved);
  }

  async list(): Promise<ApiKeyView[]> {
    const keys = await this.repository.find({ order: { name: 'ASC' } });
    return keys.map((key) => this.view(key));
  }

  async findByName(name: string): Promise<CloudflareApiKey> {
    const key = await this.repository.findOneBy({ name: name.trim() });
    if (!key) throw new NotFoundError(`Unknown API key "${name}". See \`maintenance api-keys list\`.`);
    return key;
  }

  async findDefault(): Promise<CloudflareApiKey> {
    const key = await this.repository.findOneBy({ isDefault: true });
    if (!key) {
      throw new NotFoundError('No default API key: add one with `maintenance api-keys add <name> --default`, or pass --api-key.');
    }
    return key;
  }

  /** The decrypted token of a key, for the Cloudflare gateway only. */
  async tokenFor(apiKeyId: string): Promise<string> {
    const key = await this.repository
      .createQueryBuilder('key')
      .addSelect('key.encryptedToken')
      .where('key.id = :apiKeyId', { apiKeyId })
      .getOne();
    if (!key) throw new NotFoundError(`API key ${apiKeyId} no longer exists.`);
    if (!key.isActive) throw new ValidationError(`API key "${key.name}" is deactivated; activate it or move the site to another key.`);
    return this.cipher.decrypt(key.encryptedToken);
  }

  /** Recorded after a successful operation only, so that a refused command changes nothing. */
  async markUsed(apiKeyId: string): Promise<void> {
    await this.repository.update({ id: apiKeyId }, { lastUsedAt: new Date() });
  }

  private async verify(token: string): Promise<void> {
    try {
      const verification = await this.gateway.verifyToken(token);
      if (verification.status !== 'active') {
        throw new ValidationError(`Cloudflare reports this API token as ${verification.status}; it was not saved.`);
      }
    } catch (error) {
      if (error instanceof CloudflareApiError && error.code !== null && REJECTED_TOKEN_CODES.has(error.code)) {
        throw new ValidationError(`Cloudflare rejected this API token (${error.message}); it was not saved.`);
      }
      throw error;
    }
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
      createdAt: key.createdAt,
    };
  }
}
