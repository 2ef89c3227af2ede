import { Get, Query } from '@nestjs/common';
import type { z } from 'zod';
import type { ApiPrincipal } from '../api-tokens/api-tokens.service.js';
import { LogsService } from '../logs/logs.service.js';
import { parseDomain } from '../sites/site-input.validation.js';
import { type AuditPageSchema, AuditQuery } from './api-schemas.js';
import { ApiController } from './api-controller.decorator.js';
import { pageOf } from './page-query.js';
import { Principal, Requires } from './principal.js';
import { parseInput } from './zod-input.js';

@ApiController('audit-log')
export class AuditLogController {
  constructor(private readonly logs: LogsService) {}

  @Get()
  @Requires('read')
  async page(@Principal() principal: ApiPrincipal, @Query() rawQuery: unknown): Promise<z.infer<typeof AuditPageSchema>> {
    const query = parseInput(AuditQuery, rawQuery, 'query');
    const page = pageOf(query);
    const filter = {
      domain: query.domain === undefined ? undefined : parseDomain(query.domain),
      action: query.action,
      outcome: query.outcome,
      actor: query.actor,
      since: query.since === undefined ? undefined : new Date(query.since),
      until: query.until === undefined ? undefined : new Date(query.until),
    };
    const { items, total } = await this.logs.page(filter, page, principal.scope);
    return {
      items: items.map((row) => ({
        id: row.id,
        domain: row.domain,
        action: row.action,
        outcome: row.outcome,
        actor: row.actor,
        reason: row.reason,
        ruleIds: row.ruleIds,
        errorCode: row.errorCode,
        errorMessage: row.errorMessage,
        durationMs: row.durationMs,
        createdAt: row.createdAt.toISOString(),
        completedAt: row.completedAt?.toISOString() ?? null,
      })),
      total,
      ...page,
    };
  }
}
