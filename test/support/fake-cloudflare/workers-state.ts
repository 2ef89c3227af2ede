import { createHash } from 'node:crypto';
import { newId, nowIso } from './ids.js';
import type { FakeWorkerRoute, FakeWorkerScript } from './types.js';

/**
 * A new script's workers.dev setting. Cloudflare's docs: "All Workers are assigned a workers.dev route when they
 * are created" (developers.cloudflare.com/workers/configuration/routing/workers-dev/), and Preview URLs follow that
 * setting; the fake takes the worse case of the docs' word for scripts uploaded by API (docs/cloudflare-facts.md#workersdev).
 */
export const NEW_SCRIPT_WORKERS_DEV = { enabled: true, previewsEnabled: true } as const;

/** Cloudflare's per-zone route limit (docs/cloudflare-facts.md#workers-routes). */
export const ROUTES_PER_ZONE = 1000;

export type ScriptFields = Pick<FakeWorkerScript, 'mainModule' | 'source' | 'compatibilityDate' | 'tags'>;

/** The Workers part of the fake: scripts per account, routes per zone (in creation order). */
export class FakeWorkers {
  private readonly scripts = new Map<string, Map<string, FakeWorkerScript>>();
  private readonly routes = new Map<string, FakeWorkerRoute[]>();

  scriptsOf(accountId: string): FakeWorkerScript[] {
    return [...(this.scripts.get(accountId)?.values() ?? [])];
  }

  script(accountId: string, name: string): FakeWorkerScript | undefined {
    return this.scripts.get(accountId)?.get(name);
  }

  /** Creates the script or replaces it whole, as the upload PUT does. */
  putScript(accountId: string, name: string, fields: ScriptFields): FakeWorkerScript {
    const byName = this.scripts.get(accountId) ?? new Map<string, FakeWorkerScript>();
    this.scripts.set(accountId, byName);
    const now = nowIso();
    const previous = byName.get(name);
    const script: FakeWorkerScript = {
      accountId,
      name,
      ...structuredClone(fields),
      workersDev: { ...(previous?.workersDev ?? NEW_SCRIPT_WORKERS_DEV) },
      createdOn: previous?.createdOn ?? now,
      modifiedOn: now,
      etag: createHash('sha256').update(fields.source).update(now).digest('hex'),
    };
    byName.set(name, script);
    return script;
  }

  deleteScript(accountId: string, name: string): boolean {
    return this.scripts.get(accountId)?.delete(name) ?? false;
  }

  routesOf(zoneId: string): FakeWorkerRoute[] {
    return this.routes.get(zoneId) ?? [];
  }

  route(zoneId: string, routeId: string): FakeWorkerRoute | undefined {
    return this.routesOf(zoneId).find((r) => r.id === routeId);
  }

  insertRoute(zoneId: string, fields: { pattern: string; script?: string }): FakeWorkerRoute {
    const route: FakeWorkerRoute = { id: newId(), zoneId, pattern: fields.pattern };
    if (fields.script !== undefined) route.script = fields.script;
    this.routes.set(zoneId, [...this.routesOf(zoneId), route]);
    return route;
  }

  replaceRoute(route: FakeWorkerRoute, fields: { pattern: string; script?: string }): FakeWorkerRoute {
    route.pattern = fields.pattern;
    if (fields.script === undefined) delete route.script;
    else route.script = fields.script;
    return route;
  }

  deleteRoute(zoneId: string, routeId: string): boolean {
    const routes = this.routesOf(zoneId);
    const kept = routes.filter((r) => r.id !== routeId);
    this.routes.set(zoneId, kept);
    return kept.length < routes.length;
  }

  forgetZone(zoneId: string): void {
    this.routes.delete(zoneId);
  }

  reset(): void {
    this.scripts.clear();
    this.routes.clear();
  }
}
