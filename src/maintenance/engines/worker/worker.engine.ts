import { Inject, Injectable } from '@nestjs/common';
import type { KeyBoundClient } from '../../../cloudflare/key-bound-client.js';
import type { WorkerRouteRecord } from '../../../cloudflare/workers.js';
import { ValidationError } from '../../../common/errors.js';
import { APP_CONFIG } from '../../../config/config.module.js';
import type { AppConfig } from '../../../config/config.schema.js';
import type { CloudflareSite, OwnedRule } from '../../../sites/cloudflare-site.entity.js';
import { accessExemptions, type SiteAccess } from '../../../sites/site-access.js';
import { distinctRules, requireZone } from '../../owned-rules.js';
import type { SiteRuleSettings } from '../../redirect-url.js';
import type { MaintenanceEngine, Progress, ZoneInspection } from '../maintenance-engine.js';
import { detectDrift, ourRoutes } from './drift.js';
import { workerRoutePatterns } from './route-patterns.js';
import { outrankingRoutes } from './outranking-routes.js';
import { isOurRoute, planRoutes } from './route-plan.js';
import { convergeScript, desiredScript } from './script-deployment.js';
import { routeTarget } from './worker-route-target.js';
import { deployedVersion, WORKER_SCRIPT_NAME } from './worker-script-names.js';
import { WORKER_SCRIPT_DIRECTORY, type WorkerScriptDirectory } from './worker-script-directory.js';
import { keepOffWorkersDev, onWorkersDev } from './workers-dev.js';
import { workersPlanNotes } from './workers-plan-notes.js';

function owned(route: WorkerRouteRecord): OwnedRule {
  return { id: route.id, target: routeTarget(route.pattern) };
}

/**
 * Maintenance answered by a Worker at Cloudflare's edge: one script per account (`cfm-maintenance`) holding
 * every site of the account in maintenance as data, and one route per host pattern of a site pointing at it.
 * The script goes up before the routes, so a route never runs a script that lacks its site; it comes down
 * (or loses the site) only after the site's routes are gone.
 */
@Injectable()
export class WorkerEngine implements MaintenanceEngine {
  readonly name = 'worker';
  readonly expressesAccess = true;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WORKER_SCRIPT_DIRECTORY) private readonly directory: WorkerScriptDirectory,
  ) {}

  targets(site: SiteRuleSettings, access: SiteAccess): string[] {
    const exempt = accessExemptions(access);
    const answer = `503 from the Worker ${WORKER_SCRIPT_NAME}${exempt.length ? `, except ${exempt.join('; ')}` : ''}`;
    return workerRoutePatterns(site).map((pattern) => `Worker route ${pattern}: ${answer}`);
  }

  notes(): string[] {
    return workersPlanNotes(this.config.CLOUDFLARE_WORKERS_PLAN);
  }

  async apply(
    client: KeyBoundClient,
    site: CloudflareSite,
    _forwardUrl: string | undefined,
    access: SiteAccess,
    progress: Progress,
    onRules: (rules: OwnedRule[]) => Promise<void>,
  ): Promise<OwnedRule[]> {
    const zoneId = requireZone(site);
    progress.step = 'read the zone';
    const accountId = (await client.getZone(zoneId)).account.id;
    progress.step = "check the token's Workers permissions";
    const missing = await client.missingWorkerPermissions(accountId, zoneId);
    if (missing.length) {
      throw new ValidationError(
        `${site.domain}: the API key lacks ${missing.join(' and ')}, which the worker engine needs. ` +
          'Add the permission(s) to the token in Cloudflare, or use another engine for this site. Nothing was changed.',
      );
    }
    progress.step = "read the zone's Worker routes";
    const zoneRoutes = await client.listWorkerRoutes(zoneId);
    const plan = planRoutes(site.domain, workerRoutePatterns(site), zoneRoutes);
    const outranking = outrankingRoutes(workerRoutePatterns(site), zoneRoutes).map(({ message }) => `Note: ${message}.`);
    progress.notes = [...(progress.notes ?? []), ...outranking];
    if (site.accountId !== accountId) await this.directory.rememberAccount(site.id, accountId);

    const entry = await this.directory.entryFor(site, access);
    const desired = async () => [...(await this.directory.entries(accountId, site.id)), entry];
    await convergeScript(client, accountId, desired, progress, `with ${site.domain}`, this.config.CLOUDFLARE_WORKERS_PLAN);

    const ours = () => distinctRules([...progress.adopted, ...progress.created]);
    if (plan.adopt.length) {
      progress.adopted.push(...plan.adopt.map(owned));
      await onRules(ours());
    }
    for (const pattern of plan.create) {
      progress.step = `create the Worker route ${pattern}`;
      progress.created.push(owned(await client.createWorkerRoute(zoneId, pattern, WORKER_SCRIPT_NAME)));
      await onRules(ours());
    }
    // Sites of the account enabled meanwhile may have uploaded a script read before this site was recorded.
    await convergeScript(client, accountId, desired, progress, `with ${site.domain}, checked again`, this.config.CLOUDFLARE_WORKERS_PLAN);
    // Also how reconcile turns workers.dev off when someone turned it on (the drift inspect reports).
    await keepOffWorkersDev(client, accountId, progress);
    return ours();
  }

  async findOurs(client: KeyBoundClient, site: CloudflareSite, _forwardUrl: string | undefined, progress: Progress): Promise<OwnedRule[]> {
    progress.step = "list the zone's Worker routes";
    const routes = await client.listWorkerRoutes(requireZone(site));
    return ourRoutes(site, workerRoutePatterns(site), routes).map(owned);
  }

  /** A route already gone counts as deleted; one that now runs another Worker is the user's and is left alone. */
  async remove(client: KeyBoundClient, zoneId: string, rule: OwnedRule): Promise<void> {
    const route = (await client.listWorkerRoutes(zoneId)).find((candidate) => candidate.id === rule.id);
    if (route && isOurRoute(route)) await client.deleteWorkerRoute(zoneId, rule.id);
  }

  async inspect(client: KeyBoundClient, site: CloudflareSite, _forwardUrl: string | undefined, _access: SiteAccess, claimAbandoned: boolean): Promise<ZoneInspection> {
    const zoneId = requireZone(site);
    const accountId = (await client.getZone(zoneId)).account.id;
    const [routes, deployed, workersDev, entries] = await Promise.all([
      client.listWorkerRoutes(zoneId),
      client.getWorkerScript(accountId, WORKER_SCRIPT_NAME),
      client.getWorkersDev(accountId, WORKER_SCRIPT_NAME),
      this.directory.entries(accountId),
    ]);
    const patterns = workerRoutePatterns(site);
    const ours = new Set(ourRoutes(site, patterns, routes).map((route) => route.id));
    const versions = {
      deployed: deployed ? (deployedVersion(deployed.tags) ?? '') : null,
      desired: desiredScript(entries)?.version ?? null,
      onWorkersDev: Boolean(deployed) && onWorkersDev(workersDev),
    };
    return {
      rules: routes.map((route) => ({
        id: route.id,
        // Ours carry the target they are recorded under, so that reconcile hands them back to this engine.
        target: ours.has(route.id) ? routeTarget(route.pattern) : `${route.pattern} → ${route.script ?? '(Workers off)'}`,
        status: 'active',
        priority: 0,
        ours: ours.has(route.id),
      })),
      drift: detectDrift(site, patterns, routes, versions, claimAbandoned),
    };
  }

  async syncShared(client: KeyBoundClient, site: CloudflareSite, progress: Progress, { leaving }: { leaving: boolean }): Promise<void> {
    const accountId = site.accountId ?? (await client.getZone(requireZone(site))).account.id;
    await convergeScript(client, accountId, () => this.directory.entries(accountId, leaving ? site.id : undefined), progress, leaving ? `without ${site.domain}` : 'as stored', this.config.CLOUDFLARE_WORKERS_PLAN);
  }

  /** Re-deploys the account's script when what its sites show changed (a window's end or message, the branding). */
  async refresh(client: KeyBoundClient, accountId: string, progress: Progress): Promise<string | null> {
    return convergeScript(client, accountId, () => this.directory.entries(accountId), progress, 'refreshed', this.config.CLOUDFLARE_WORKERS_PLAN);
  }
}
