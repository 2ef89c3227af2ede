import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type Action, ACTIONS, roleAllows } from '../access/roles.js';
import { ApiTokensService } from '../api-tokens/api-tokens.service.js';
import { ApiProblem, problem } from './problem.js';
import { type ApiRequest, REQUIRED_ACTION } from './principal.js';

const BEARER = /^Bearer[ ]+(\S+)\s*$/i;

/** No token or a bad one: 401 with the reason; a role that does not hold the route's action: 403. */
@Injectable()
export class ApiAuthGuard implements CanActivate {
  constructor(
    private readonly tokens: ApiTokensService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<ApiRequest>();
    const action = this.reflector.getAllAndOverride<Action | undefined>(REQUIRED_ACTION, [context.getHandler(), context.getClass()]);
    if (!action) return true; // a public route (the OpenAPI document)
    const header = request.get('authorization');
    if (!header) throw new ApiProblem(problem('token_missing', 'Send an API token as `Authorization: Bearer cfm_…` (`maintenance api-tokens create`).'));
    const presented = BEARER.exec(header)?.[1];
    const result = presented ? await this.tokens.authenticate(presented) : ({ refused: 'invalid' } as const);
    if ('refused' in result) {
      switch (result.refused) {
        case 'expired':
          throw new ApiProblem(problem('token_expired', 'This API token has expired; create a new one.'));
        case 'revoked':
          throw new ApiProblem(problem('token_revoked', 'This API token was revoked; create a new one.'));
        case 'invalid':
          throw new ApiProblem(problem('token_invalid', 'The Authorization header holds no valid API token (expected `Bearer cfm_…`).'));
      }
    }
    request.principal = result.principal;
    if (!roleAllows(result.principal.role, action)) {
      throw new ApiProblem(
        problem('role_forbidden', `This needs the ${ACTIONS[action]} role or above; the token ${result.principal.name} is ${result.principal.role}.`),
      );
    }
    return true;
  }
}
