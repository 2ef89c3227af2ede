import { Body, Get, HttpCode, Param, Post } from '@nestjs/common';
import { siteInScope } from '../access/site-scope.js';
import type { ApiPrincipal } from '../api-tokens/api-tokens.service.js';
import { ValidationError } from '../common/errors.js';
import { parseReason } from '../common/free-text.validation.js';
import type { OperationRecord } from '../operations/operation-store.js';
import { OperationsService } from '../operations/operations.service.js';
import type { SiteCriteria } from '../sites/site-selection.service.js';
import { OperationBody, type OperationBodyOut, OperationIdParam } from './api-schemas.js';
import { ApiController } from './api-controller.decorator.js';
import { ApiProblem, problem } from './problem.js';
import { apiActor, Principal, Requires } from './principal.js';
import { ScopedSites } from './scoped-sites.js';
import { parseInput } from './zod-input.js';

@ApiController('operations')
export class OperationsController {
  constructor(
    private readonly scoped: ScopedSites,
    private readonly operations: OperationsService,
  ) {}

  @Post()
  @HttpCode(202)
  @Requires('operate')
  async start(@Principal() principal: ApiPrincipal, @Body() rawBody: unknown): Promise<OperationBodyOut> {
    const body = parseInput(OperationBody, rawBody ?? {}, 'body');
    if (body.reason !== undefined && body.action !== 'enable') {
      throw new ValidationError(`A reason is only kept for enable, not for ${body.action}.`, { field: 'reason' });
    }
    const reason = parseReason(body.reason);
    const sites = await this.scoped.select(principal, criteriaOf(body));
    return operationBody(await this.operations.start(body.action, sites, { actor: apiActor(principal), reason }));
  }

  @Get(':id')
  @Requires('read')
  async show(@Principal() principal: ApiPrincipal, @Param() rawParams: unknown): Promise<OperationBodyOut> {
    const { id } = parseInput(OperationIdParam, rawParams, 'path');
    const operation = await this.operations.get(id);
    const outside = operation.sites.filter((site) => !siteInScope(principal.scope, site));
    if (outside.length) {
      throw new ApiProblem(problem('site_forbidden', `The operation ${id} acts on sites outside the token ${principal.name}'s sites.`));
    }
    return operationBody(operation);
  }
}

function criteriaOf(body: { sites?: string[]; selector?: { all?: true; apiKey?: string; inMaintenance?: boolean; active?: boolean } }): SiteCriteria {
  if (body.sites && body.selector) throw new ValidationError('Give sites or selector, not both.', { field: 'selector' });
  if (body.sites) return { domains: body.sites };
  const selector = body.selector;
  if (!selector || Object.keys(selector).length === 0) {
    throw new ValidationError('Name the sites: give sites (a list of domains) or a selector (all, apiKey, inMaintenance, active).', { field: 'sites' });
  }
  return { all: selector.all, apiKeyName: selector.apiKey, inMaintenance: selector.inMaintenance, active: selector.active };
}

function operationBody(operation: OperationRecord): OperationBodyOut {
  const count = (outcome: string) => operation.sites.filter((site) => site.outcome === outcome).length;
  return {
    id: operation.id,
    action: operation.action,
    status: operation.status,
    actor: operation.actor,
    reason: operation.reason,
    createdAt: operation.createdAt.toISOString(),
    finishedAt: operation.finishedAt?.toISOString() ?? null,
    counts: { total: operation.sites.length, pending: count('pending'), done: count('done'), skipped: count('skipped'), failed: count('failed') },
    sites: operation.sites.map((site) => ({ domain: site.domain, outcome: site.outcome, message: site.message, errorCode: site.errorCode })),
  };
}
