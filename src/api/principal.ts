import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import type { Action } from '../access/roles.js';
import type { ApiPrincipal } from '../api-tokens/api-tokens.service.js';

export type ApiRequest = Request & { principal?: ApiPrincipal };

export const REQUIRED_ACTION = 'api:required-action';

/** The action of the permission model (src/access/roles.ts) a route needs. */
export const Requires = (action: Action) => SetMetadata(REQUIRED_ACTION, action);

/** The caller of a route behind ApiAuthGuard. */
export const Principal = createParamDecorator((_data: unknown, context: ExecutionContext): ApiPrincipal => {
  const principal = context.switchToHttp().getRequest<ApiRequest>().principal;
  if (!principal) throw new Error('An API route ran without ApiAuthGuard.');
  return principal;
});

/** The audit log's actor for a call made with this token. */
export function apiActor(principal: ApiPrincipal): string {
  return `api:${principal.name}`;
}
