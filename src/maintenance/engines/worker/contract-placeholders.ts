/**
 * TEMPORARY (issue 14): stand-ins for what the other helpers deliver under CONTRACT.md, so that this branch
 * compiles before their branches land. Deleted at merge time: the imports then point at
 * worker-site-entry.ts, worker-script.ts, route-patterns.ts, src/maintenance-page/render-page.ts, and the
 * Workers methods of KeyBoundClient.
 */
import { createHash } from 'node:crypto';
import type { KeyBoundClient } from '../../../cloudflare/key-bound-client.js';
import type { MissingWorkerPermission, WorkerRouteRecord, WorkerScriptState, WorkerScriptUpload } from '../../../cloudflare/workers.js';
import type { SiteRuleSettings } from '../../redirect-url.js';

export interface WorkerSiteEntry {
  siteId: number | string;
  domain: string;
  hosts: string[];
  hostSuffixes: string[];
  bypassIps: string[];
  bypassSecretSha256: string | null;
  excludedPaths: string[];
  endsAt: string | null;
  retryAfterSeconds: number;
  pages: Record<string, string>;
}

export function workerScript(entries: WorkerSiteEntry[]): { source: string; version: string } {
  const sorted = [...entries].sort((a, b) => String(a.siteId).localeCompare(String(b.siteId)));
  const source = `const SITES = ${JSON.stringify(sorted)};\nexport default { fetch(request) { return fetch(request); } };\n`;
  return { source, version: createHash('sha256').update(source).digest('hex').slice(0, 16) };
}

export function routePatterns(site: SiteRuleSettings): string[] {
  if (site.includeSubdomains) return [`${site.domain}/*`, `*.${site.domain}/*`];
  return [`${site.domain}/*`, ...site.subdomainList.map((sub) => `${sub}.${site.domain}/*`)];
}

export interface WorkerSiteInput {
  siteId: string;
  domain: string;
  includeSubdomains: boolean;
  subdomainList: string[];
  bypassIps: string[];
  bypassSecret: string | null;
  excludedPaths: string[];
  endsAt: Date | null;
  retryAfterSeconds: number;
  pages: Record<string, string>;
}

export function workerSiteEntry(input: WorkerSiteInput): WorkerSiteEntry {
  const domain = input.domain.toLowerCase();
  return {
    siteId: input.siteId,
    domain,
    hosts: input.includeSubdomains ? [domain] : [domain, ...input.subdomainList.map((sub) => `${sub}.${domain}`)],
    hostSuffixes: input.includeSubdomains ? [`.${domain}`] : [],
    bypassIps: input.bypassIps,
    bypassSecretSha256: input.bypassSecret ? createHash('sha256').update(input.bypassSecret).digest('hex') : null,
    excludedPaths: input.excludedPaths,
    endsAt: input.endsAt?.toISOString() ?? null,
    retryAfterSeconds: input.retryAfterSeconds,
    pages: input.pages,
  };
}

export type PageBranding = Record<string, never>;

export function renderMaintenancePage(input: { domain: string; branding: PageBranding; message?: string | null; endsAt: Date | null; language?: string }): string {
  return `<!doctype html><title>${input.domain}</title><p>${input.message ?? ''}</p><p>${input.endsAt?.toISOString() ?? ''}</p>`;
}

export function pageLanguages(_branding: PageBranding): string[] {
  return ['default'];
}

export interface WorkersClient {
  uploadWorkerScript(upload: WorkerScriptUpload): Promise<void>;
  getWorkerScript(accountId: string, scriptName: string): Promise<WorkerScriptState | null>;
  deleteWorkerScript(accountId: string, scriptName: string): Promise<boolean>;
  listWorkerRoutes(zoneId: string): Promise<WorkerRouteRecord[]>;
  createWorkerRoute(zoneId: string, pattern: string, script: string): Promise<WorkerRouteRecord>;
  deleteWorkerRoute(zoneId: string, routeId: string): Promise<boolean>;
  missingWorkerPermissions(accountId: string, zoneId: string): Promise<MissingWorkerPermission[]>;
}

export function workersOf(client: KeyBoundClient): WorkersClient & KeyBoundClient {
  return client as WorkersClient & KeyBoundClient;
}
