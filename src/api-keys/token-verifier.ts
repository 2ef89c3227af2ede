import { Injectable } from '@nestjs/common';
import { CloudflareApiError } from '../cloudflare/cloudflare-api.error.js';
import { CloudflareGateway } from '../cloudflare/cloudflare.gateway.js';

export type TokenStatus = 'active' | 'disabled' | 'expired' | 'invalid';

export interface TokenCheck {
  status: TokenStatus;
  /** Who owns the token, as far as Cloudflare let us tell; null when it was refused. */
  owner: 'user' | 'account' | null;
  /** The single account the token can see, else null (each site carries its own account id). */
  accountId: string | null;
  /** Why Cloudflare refused it, already free of secrets; null when active. */
  detail: string | null;
}

// Cloudflare's answers for a token it does not accept: invalid token (1000 on verify), malformed header,
// invalid access token, not allowed.
const REJECTED_TOKEN_CODES = new Set([1000, 6003, 6111, 9109, 10000]);

function isRejection(error: unknown): error is CloudflareApiError {
  return error instanceof CloudflareApiError && error.code !== null && REJECTED_TOKEN_CODES.has(error.code);
}

function soleId(accounts: { id: string }[]): string | null {
  return accounts.length === 1 ? accounts[0].id : null;
}

/** Asks Cloudflare whether a token works and what it can see; a refusal is an answer, not an exception. */
@Injectable()
export class TokenVerifier {
  constructor(private readonly gateway: CloudflareGateway) {}

  async check(token: string): Promise<TokenCheck> {
    let status: TokenStatus;
    try {
      status = (await this.gateway.verifyToken(token)).status;
    } catch (error) {
      if (!isRejection(error)) throw error;
      return this.checkAccountToken(token, error);
    }
    if (status !== 'active') return { status, owner: 'user', accountId: null, detail: `Cloudflare reports it as ${status}` };
    return { status, owner: 'user', accountId: await this.soleAccountId(token), detail: null };
  }

  /**
   * `/user/tokens/verify` refuses account-owned tokens (401/1000). Their own endpoint,
   * `/accounts/{account_id}/tokens/verify`, needs the account id we are trying to learn and is not in the
   * OpenAPI subset we are held to (docs/cloudflare-facts.md#token-verify), so the nearest documented test
   * is `GET /accounts`: a token that can
   * list accounts works, and is an account token. A disabled or expired account token fails that call like an
   * unknown one, so it is reported as invalid rather than by its status.
   */
  private async checkAccountToken(token: string, userRefusal: CloudflareApiError): Promise<TokenCheck> {
    try {
      return { status: 'active', owner: 'account', accountId: soleId(await this.gateway.listAccounts(token)), detail: null };
    } catch (error) {
      if (!isRejection(error)) throw error;
      return { status: 'invalid', owner: null, accountId: null, detail: userRefusal.message };
    }
  }

  /** A user token may lack the permission to list accounts; it still works for zones, so that is no refusal. */
  private async soleAccountId(token: string): Promise<string | null> {
    try {
      return soleId(await this.gateway.listAccounts(token));
    } catch (error) {
      if (isRejection(error)) return null;
      throw error;
    }
  }
}
