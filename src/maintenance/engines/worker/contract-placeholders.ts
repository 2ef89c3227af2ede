/**
 * TEMPORARY (issue 14): stand-ins for what the "branding" helper delivers under CONTRACT.md, so that this branch
 * compiles before that branch lands. Deleted at merge time: the imports then point at src/maintenance-page/.
 */
import type { MissingWorkerPermission, WorkerRouteRecord, WorkerScriptState, WorkerScriptUpload } from '../../../cloudflare/workers.js';
export type PageBranding = Record<string, never>;

export function renderMaintenancePage(input: { domain: string; branding: PageBranding; message?: string | null; endsAt: Date | null; language?: string }): string {
  return `<!doctype html><title>${input.domain}</title><p>${input.message ?? ''}</p><p>${input.endsAt?.toISOString() ?? ''}</p>`;
}

export function pageLanguages(_branding: PageBranding): string[] {
  return ['default'];
}

// TEMPORARY: the Workers methods helper "cf-workers" adds to KeyBoundClient (CONTRACT.md), typed here until it lands.
declare module '../../../cloudflare/key-bound-client.js' {
  interface KeyBoundClient {
    uploadWorkerScript(upload: WorkerScriptUpload): Promise<void>;
    getWorkerScript(accountId: string, scriptName: string): Promise<WorkerScriptState | null>;
    deleteWorkerScript(accountId: string, scriptName: string): Promise<boolean>;
    listWorkerRoutes(zoneId: string): Promise<WorkerRouteRecord[]>;
    createWorkerRoute(zoneId: string, pattern: string, script: string): Promise<WorkerRouteRecord>;
    deleteWorkerRoute(zoneId: string, routeId: string): Promise<boolean>;
    missingWorkerPermissions(accountId: string, zoneId: string): Promise<MissingWorkerPermission[]>;
  }
}
