/**
 * The Workers API as the worker engine uses it (issue 14). Cloudflare's docs and the SDK's TypeScript types
 * (`cloudflare/resources/workers/...`) are the contract; the OpenAPI subset has no Workers endpoints.
 */

/** One ES module uploaded as a Worker script: `PUT /accounts/{account_id}/workers/scripts/{script_name}`. */
export interface WorkerScriptUpload {
  accountId: string;
  scriptName: string;
  /** The module's file name, also the metadata's `main_module`, e.g. `maintenance.mjs`. */
  moduleName: string;
  source: string;
  compatibilityDate: string;
  /** The script's tags; ours carry the content version (`cfm-version-<hash>`). */
  tags: string[];
}

/** What we read back of a deployed script: enough to tell whether it is the version we meant. */
export interface WorkerScriptState {
  name: string;
  tags: string[];
}

/** A Worker route of a zone (`/zones/{zone_id}/workers/routes`); `script` is absent for a route that disables Workers. */
export interface WorkerRouteRecord {
  id: string;
  pattern: string;
  script?: string;
}

/** A Workers permission the token lacks, in Cloudflare's dashboard words, e.g. "Workers Scripts Edit (account)". */
export type MissingWorkerPermission = string;

/** Whether a script also answers on the account's workers.dev subdomain (`enabled`) and its Preview URLs there. */
export interface WorkersDevState {
  enabled: boolean;
  previewsEnabled: boolean;
}
