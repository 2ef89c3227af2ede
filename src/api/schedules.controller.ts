import { Body, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { siteInScope } from '../access/site-scope.js';
import type { ApiPrincipal } from '../api-tokens/api-tokens.service.js';
import type { ScheduledMaintenance } from '../schedules/scheduled-maintenance.entity.js';
import { ScheduledMaintenanceService } from '../schedules/scheduled-maintenance.service.js';
import { type ScheduleBody, ScheduleCreateBody, ScheduleIdParam, ScheduleListQuery, ScheduleUpdateBody } from './api-schemas.js';
import { ApiController } from './api-controller.decorator.js';
import { ApiProblem, problem } from './problem.js';
import { apiActor, Principal, Requires } from './principal.js';
import { ScopedSites } from './scoped-sites.js';
import { parseInput } from './zod-input.js';

/** Maintenance windows, over ScheduledMaintenanceService; a window is in a token's scope when all its sites are. */
@ApiController('schedules')
export class SchedulesController {
  constructor(
    private readonly schedules: ScheduledMaintenanceService,
    private readonly scoped: ScopedSites,
  ) {}

  @Get()
  @Requires('read')
  async list(@Principal() principal: ApiPrincipal, @Query() rawQuery: unknown): Promise<{ items: ScheduleBody[] }> {
    const query = parseInput(ScheduleListQuery, rawQuery, 'query');
    const windows = await this.schedules.list({ all: query.all === 'true' });
    return { items: windows.filter((window) => inScope(principal, window)).map(scheduleBody) };
  }

  @Post()
  @HttpCode(201)
  @Requires('operate')
  async create(@Principal() principal: ApiPrincipal, @Body() rawBody: unknown): Promise<ScheduleBody> {
    const body = parseInput(ScheduleCreateBody, rawBody ?? {}, 'body');
    await this.scoped.select(principal, { domains: body.sites });
    return scheduleBody(await this.schedules.create(body, apiActor(principal)));
  }

  @Get(':id')
  @Requires('read')
  async show(@Principal() principal: ApiPrincipal, @Param() rawParams: unknown): Promise<ScheduleBody> {
    return scheduleBody(await this.window(principal, rawParams));
  }

  @Patch(':id')
  @Requires('operate')
  async update(@Principal() principal: ApiPrincipal, @Param() rawParams: unknown, @Body() rawBody: unknown): Promise<ScheduleBody> {
    const changes = parseInput(ScheduleUpdateBody, rawBody ?? {}, 'body');
    const window = await this.window(principal, rawParams);
    if (changes.sites) await this.scoped.select(principal, { domains: changes.sites });
    return scheduleBody(await this.schedules.update(window.id, changes, apiActor(principal)));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Requires('operate')
  async cancel(@Principal() principal: ApiPrincipal, @Param() rawParams: unknown): Promise<ScheduleBody> {
    const window = await this.window(principal, rawParams);
    return scheduleBody(await this.schedules.cancel(window.id, apiActor(principal)));
  }

  @Post(':id/start')
  @HttpCode(200)
  @Requires('operate')
  async start(@Principal() principal: ApiPrincipal, @Param() rawParams: unknown): Promise<ScheduleBody> {
    const window = await this.window(principal, rawParams);
    await this.schedules.startNow(window.id);
    return scheduleBody(await this.schedules.get(window.id));
  }

  @Post(':id/end')
  @HttpCode(200)
  @Requires('operate')
  async end(@Principal() principal: ApiPrincipal, @Param() rawParams: unknown): Promise<ScheduleBody> {
    const window = await this.window(principal, rawParams);
    await this.schedules.endNow(window.id, apiActor(principal));
    return scheduleBody(await this.schedules.get(window.id));
  }

  private async window(principal: ApiPrincipal, rawParams: unknown): Promise<ScheduledMaintenance> {
    const { id } = parseInput(ScheduleIdParam, rawParams, 'path');
    const window = await this.schedules.get(id);
    if (!inScope(principal, window)) {
      throw new ApiProblem(problem('site_forbidden', `The window ${id} covers sites outside the token ${principal.name}'s sites.`));
    }
    return window;
  }
}

function inScope(principal: ApiPrincipal, window: ScheduledMaintenance): boolean {
  return window.sites.every((entry) => siteInScope(principal.scope, entry.site));
}

function scheduleBody(window: ScheduledMaintenance): ScheduleBody {
  return {
    id: window.id,
    title: window.title,
    description: window.description,
    reason: window.reason,
    status: window.status,
    startsAt: window.startsAt.toISOString(),
    endsAt: window.endsAt.toISOString(),
    timezone: window.timezone,
    recurrence: window.recurrence,
    autoEnable: window.autoEnable,
    autoDisable: window.autoDisable,
    createdBy: window.createdBy,
    sites: window.sites.map((entry) => ({ domain: entry.site.domain, execution: entry.execution })),
  };
}
