import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { ApiRequest } from './principal.js';

/** Counts requests per token (ApiAuthGuard runs first and names it); a public route per address. */
@Injectable()
export class ApiThrottlerGuard extends ThrottlerGuard {
  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    const { principal, ip } = request as unknown as ApiRequest;
    return Promise.resolve(principal ? `token:${principal.tokenId}` : `address:${ip ?? 'unknown'}`);
  }
}
