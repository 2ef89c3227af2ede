import { Body, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import type { ApiPrincipal } from '../api-tokens/api-tokens.service.js';
import { CloudflareApiError } from '../cloudflare/cloudflare-api.error.js';
import { parseReason } from '../common/free-text.validation.js';
import type { MaintenanceResult } from '../maintenance/maintenance-result.js';
import { MaintenanceService } from '../maintenance/maintenance.service.js';
import { ReconcileService } from '../maintenance/reconcile.service.js';
import type { ScheduledMaintenance } from '../schedules/scheduled-maintenance.entity.js';
import { ScheduledMaintenanceService } from '../schedules/scheduled-maintenance.service.js';
import type { CloudflareSite } from '../sites/cloudflare-site.entity.js';
import { SiteAccessResolver } from '../sites/site-access.js';
import { SitesService } from '../sites/sites.service.js';
import { EnableBody, ExtendBody, SiteListQuery, SiteShowQuery, type WindowBody } from './api-schemas.js';
import { ApiController } from './api-controller.decorator.js';
import { apiActor, Principal, Requires } from './principal.js';
import { pageOf } from './page-query.js';
import { ScopedSites } from './scoped-sites.js';
import { siteBody } from './site-body.js';
import { parseInput } from './zod-input.js';

@ApiController('sites')
export class SitesController {
  constructor(
    private readonly scoped: ScopedSites,
    private readonly sites: SitesService,
    private readonly maintenance: MaintenanceService,
    private readonly reconcile: ReconcileService,
    private readonly schedules: ScheduledMaintenanceService,
    private readonly access: SiteAccessResolver,
  ) {}

  @Get()
  @Requires('read')
  async list(@Principal() principal: ApiPrincipal, @Query() rawQuery: unknown) {
    const query = parseInput(SiteListQuery, rawQuery, 'query');
    const { limit, offset } = pageOf(query);
    const sites = await this.scoped.select(principal, {
      all: true,
      apiKeyName: query.apiKey,
      inMaintenance: query.inMaintenance === undefined ? undefined : query.inMaintenance === 'true',
      active: query.active === undefined ? undefined : query.active === 'true',
    });
    const keyNames = await this.scoped.keyNames();
    return { items: sites.slice(offset, offset + limit).map((site) => this.body(site, keyNames)), total: sites.length, limit, offset };
  }

  @Get(':domain')
  @Requires('read')
  async show(@Principal() principal: ApiPrincipal, @Param('domain') domain: string, @Query() rawQuery: unknown) {
    const query = parseInput(SiteShowQuery, rawQuery, 'query');
    const site = await this.scoped.one(principal, domain);
    const keyNames = await this.scoped.keyNames();
    if (query.live !== 'true') return { site: this.body(site, keyNames) };
    const live = await this.reconcile.inspect(site);
    return {
      site: this.body(await this.sites.findByDomain(site.domain), keyNames),
      live: { busy: live.busy, zoneRules: live.zoneRules, drift: live.drift },
    };
  }

  @Post(':domain/maintenance')
  @HttpCode(200)
  @Requires('operate')
  async enable(@Principal() principal: ApiPrincipal, @Param('domain') domain: string, @Body() rawBody: unknown) {
    const body = parseInput(EnableBody, rawBody ?? {}, 'body');
    const reason = parseReason(body.reason);
    const site = await this.scoped.one(principal, domain);
    if (body.for === undefined && body.until === undefined && body.timezone === undefined) {
      return this.change(await this.maintenance.enableMaintenance(site, reason, apiActor(principal)));
    }
    const input = { domains: [site.domain], reason, for: body.for, until: body.until, timezone: body.timezone };
    const { window, run } = await this.schedules.startTimed(input, apiActor(principal));
    const failure = run.sites?.failures[0];
    if (failure) {
      // The window stays active and the scheduler retries the site (docs/api.md#maintenance-for-a-set-time).
      throw new CloudflareApiError(`${failure.error} Window ${window.id} stays active and retries the site; end it to give up.`, {
        code: null,
        httpStatus: null,
        retryable: true,
      });
    }
    const changed = (run.sites?.enabled ?? 0) > 0;
    const message = changed
      ? `${site.domain} is in maintenance until ${window.endsAt.toISOString()}.`
      : `${site.domain} was already in maintenance; it is left so at the end of window ${window.id}.`;
    return { ...(await this.change({ domain: site.domain, outcome: changed ? 'success' : 'skipped', message })), window: windowBody(window) };
  }

  @Post(':domain/maintenance/extend')
  @HttpCode(200)
  @Requires('operate')
  async extend(@Principal() principal: ApiPrincipal, @Param('domain') domain: string, @Body() rawBody: unknown) {
    const body = parseInput(ExtendBody, rawBody ?? {}, 'body');
    const site = await this.scoped.one(principal, domain);
    return { window: windowBody(await this.schedules.extend(site.domain, body, apiActor(principal))) };
  }

  @Delete(':domain/maintenance')
  @Requires('operate')
  async disable(@Principal() principal: ApiPrincipal, @Param('domain') domain: string) {
    const site = await this.scoped.one(principal, domain);
    return this.change(await this.maintenance.disableMaintenance(site, apiActor(principal)));
  }

  private async change(result: Pick<MaintenanceResult, 'domain' | 'outcome' | 'message'>) {
    const site = await this.sites.findByDomain(result.domain);
    return { domain: result.domain, changed: result.outcome === 'success', message: result.message, site: this.body(site, await this.scoped.keyNames()) };
  }

  private body(site: CloudflareSite, keyNames: ReadonlyMap<string, string>) {
    return siteBody(site, keyNames, this.access.view(site));
  }
}

function windowBody(window: ScheduledMaintenance): WindowBody {
  return { id: window.id, status: window.status, endsAt: window.endsAt.toISOString(), timezone: window.timezone };
}
