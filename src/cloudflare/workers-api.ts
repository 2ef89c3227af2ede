import { z } from 'zod';
import type { CallPath } from './call-path.js';
import { CloudflareApiError } from './cloudflare-api.error.js';
import type { MissingWorkerPermission, WorkerRouteRecord, WorkersDevState, WorkerScriptState, WorkerScriptUpload } from './workers.js';

/** Cloudflare's codes for "no such script" (HTTP 404) and "a route with the same pattern already exists" (docs/cloudflare-facts.md#workers). */
export const SCRIPT_NOT_FOUND = 10007;
export const ROUTE_PATTERN_TAKEN = 10020;

/** The type an ES module part must carry; anything else is read as a service-worker script or refused. */
export const MODULE_PART_TYPE = 'application/javascript+module';

export const SCRIPTS_PERMISSION: MissingWorkerPermission = 'Workers Scripts Edit (account)';
export const ROUTES_PERMISSION: MissingWorkerPermission = 'Workers Routes Edit (zone)';

/** Cloudflare shows a route that disables Workers on a pattern without a script (absent, null or ""). */
const routeSchema = z
  .object({ id: z.string().min(1), pattern: z.string().min(1), script: z.string().nullish() })
  .loose()
  .transform(({ id, pattern, script }): WorkerRouteRecord => (script ? { id, pattern, script } : { id, pattern }));
const routeListSchema = z.array(routeSchema);
const scriptSettingsSchema = z.object({ tags: z.array(z.string()).nullish() }).loose();
const workersDevSchema = z
  .object({ enabled: z.boolean(), previews_enabled: z.boolean().nullish() })
  .loose()
  .transform(({ enabled, previews_enabled }): WorkersDevState => ({ enabled, previewsEnabled: previews_enabled ?? false }));
const anyResult = z.unknown();

/**
 * The upload as Cloudflare documents it: a `metadata` part holding JSON and the module part named after
 * `main_module`. Built by hand because the SDK's own `workers.scripts.update` sends a shape Cloudflare
 * refuses (cloudflare-typescript#2799, docs/cloudflare-facts.md#workers).
 */
export function workerUploadForm(upload: WorkerScriptUpload): FormData {
  const metadata = { main_module: upload.moduleName, compatibility_date: upload.compatibilityDate, tags: upload.tags };
  const form = new FormData();
  form.append('metadata', new Blob([JSON.stringify(metadata)], { type: 'application/json' }), 'metadata.json');
  form.append(upload.moduleName, new Blob([upload.source], { type: MODULE_PART_TYPE }), upload.moduleName);
  return form;
}

/**
 * `client.put` passes a FormData body through untouched and sets no content type of its own, so fetch
 * writes `multipart/form-data` with its boundary; auth, base URL and timeout stay the client's. A PUT
 * replaces the script whole, so repeating one whose answer was lost is harmless.
 */
export async function uploadWorkerScript(path: CallPath, token: string, upload: WorkerScriptUpload): Promise<void> {
  const { accountId, scriptName } = upload;
  await path
    .call(token, `upload the Worker script ${scriptName} to account ${accountId}`, anyResult, (client) =>
      client.put(`/accounts/${accountId}/workers/scripts/${scriptName}`, { body: workerUploadForm(upload) }),
    )
    .catch((error: unknown) => {
      throw explainRefusedWrite(error, SCRIPTS_PERMISSION);
    });
}

/** The script's tags (which carry our content version), or null when the account has no such script. */
export async function getWorkerScript(path: CallPath, token: string, accountId: string, scriptName: string): Promise<WorkerScriptState | null> {
  try {
    const { result } = await path.call(token, `read the Worker script ${scriptName} of account ${accountId}`, scriptSettingsSchema, (client) =>
      client.workers.scripts.settings.get(scriptName, { account_id: accountId }),
    );
    return { name: scriptName, tags: result.tags ?? [] };
  } catch (error) {
    if (isScriptNotFound(error)) return null;
    throw error;
  }
}

/** Whether the script answers on the account's workers.dev subdomain (docs/cloudflare-facts.md#workersdev); null when the account has no such script. */
export async function getWorkersDev(path: CallPath, token: string, accountId: string, scriptName: string): Promise<WorkersDevState | null> {
  try {
    const { result } = await path.call(token, `read the workers.dev setting of the Worker script ${scriptName} of account ${accountId}`, workersDevSchema, (client) =>
      client.workers.scripts.subdomain.get(scriptName, { account_id: accountId }),
    );
    return result;
  } catch (error) {
    if (isScriptNotFound(error)) return null;
    throw error;
  }
}

/**
 * Takes the script off the account's workers.dev subdomain, its Preview URLs too. A POST that sets a state, so
 * repeating one whose answer was lost is harmless.
 */
export async function disableWorkersDev(path: CallPath, token: string, accountId: string, scriptName: string): Promise<WorkersDevState> {
  try {
    const { result } = await path.call(token, `turn off workers.dev for the Worker script ${scriptName} of account ${accountId}`, workersDevSchema, (client) =>
      client.workers.scripts.subdomain.create(scriptName, { account_id: accountId, enabled: false, previews_enabled: false }),
    );
    return result;
  } catch (error) {
    throw explainRefusedWrite(error, SCRIPTS_PERMISSION);
  }
}

/** Returns false when the script was already gone: the goal is reached either way. */
export async function deleteWorkerScript(path: CallPath, token: string, accountId: string, scriptName: string): Promise<boolean> {
  try {
    await path.call(token, `delete the Worker script ${scriptName} of account ${accountId}`, anyResult, (client) =>
      client.workers.scripts.delete(scriptName, { account_id: accountId }),
    );
    return true;
  } catch (error) {
    if (isScriptNotFound(error)) return false;
    throw explainRefusedWrite(error, SCRIPTS_PERMISSION);
  }
}

export async function listWorkerRoutes(path: CallPath, token: string, zoneId: string): Promise<WorkerRouteRecord[]> {
  const { result } = await path.call(token, `list the Worker routes of zone ${zoneId}`, routeListSchema, (client) =>
    client.workers.routes.list({ zone_id: zoneId }),
  );
  return result;
}

/**
 * A POST whose answer was lost may have created the route, and Cloudflare refuses a second route with the
 * same pattern (10020). So before each retry the zone's routes are read, and a route with this pattern and
 * script is adopted; one with this pattern and another script is someone else's, and the retry says so.
 */
export async function createWorkerRoute(path: CallPath, token: string, zoneId: string, pattern: string, script: string): Promise<WorkerRouteRecord> {
  const operation = `create the Worker route ${pattern} in zone ${zoneId}`;
  let adopted: WorkerRouteRecord | undefined;
  try {
    return await path.retry(
      async (deadline) => {
        if (adopted) return adopted;
        const { result } = await path.once(token, operation, routeSchema, deadline, (client) =>
          client.workers.routes.create({ zone_id: zoneId, pattern, script }),
        );
        return result;
      },
      {
        beforeRetry: async () => {
          const { result } = await path.once(token, `list the Worker routes of zone ${zoneId}`, routeListSchema, undefined, (client) =>
            client.workers.routes.list({ zone_id: zoneId }),
          );
          adopted = result.find((route) => route.pattern === pattern && route.script === script);
        },
      },
    );
  } catch (error) {
    throw explainRefusedWrite(explainPatternTaken(error, zoneId, pattern), ROUTES_PERMISSION);
  }
}

/** Points an existing route at `pattern` and `script`; a route that is gone fails with HTTP 404. */
export async function updateWorkerRoute(
  path: CallPath,
  token: string,
  zoneId: string,
  routeId: string,
  pattern: string,
  script: string,
): Promise<WorkerRouteRecord> {
  try {
    const { result } = await path.call(token, `update the Worker route ${routeId} (${pattern}) in zone ${zoneId}`, routeSchema, (client) =>
      client.workers.routes.update(routeId, { zone_id: zoneId, pattern, script }),
    );
    return result;
  } catch (error) {
    throw explainRefusedWrite(explainPatternTaken(error, zoneId, pattern), ROUTES_PERMISSION);
  }
}

/** Returns false when the route was already gone (deleted by hand): the goal is reached either way. */
export async function deleteWorkerRoute(path: CallPath, token: string, zoneId: string, routeId: string): Promise<boolean> {
  try {
    await path.call(token, `delete the Worker route ${routeId} in zone ${zoneId}`, anyResult, (client) =>
      client.workers.routes.delete(routeId, { zone_id: zoneId }),
    );
    return true;
  } catch (error) {
    if (error instanceof CloudflareApiError && error.details.httpStatus === 404) return false;
    throw explainRefusedWrite(error, ROUTES_PERMISSION);
  }
}

/**
 * Read probes, one per permission: listing the account's scripts needs Workers Scripts (account), listing the
 * zone's routes needs Workers Routes (zone). A token holding only Read passes them too; Cloudflare offers no
 * way to tell Edit from Read without a write (docs/cloudflare-facts.md#workers-permissions).
 */
export async function missingWorkerPermissions(path: CallPath, token: string, accountId: string, zoneId: string): Promise<MissingWorkerPermission[]> {
  const probes: { permission: MissingWorkerPermission; probe: () => Promise<unknown> }[] = [
    {
      permission: SCRIPTS_PERMISSION,
      probe: () =>
        path.call(token, `list the Worker scripts of account ${accountId}`, anyResult, (client) =>
          client.workers.scripts.list({ account_id: accountId }),
        ),
    },
    { permission: ROUTES_PERMISSION, probe: () => listWorkerRoutes(path, token, zoneId) },
  ];
  const answers = await Promise.all(
    probes.map(({ permission, probe }) =>
      probe().then(
        () => null,
        (error: unknown) => {
          if (isPermissionRefused(error)) return permission;
          throw error;
        },
      ),
    ),
  );
  return answers.filter((permission): permission is MissingWorkerPermission => permission !== null);
}

function isScriptNotFound(error: unknown): boolean {
  return error instanceof CloudflareApiError && error.details.httpStatus === 404 && error.code === SCRIPT_NOT_FOUND;
}

/** 403 is also what an invalid token gets (9109); that is not a missing permission and must say so itself. */
function isPermissionRefused(error: unknown): boolean {
  return error instanceof CloudflareApiError && error.details.httpStatus === 403 && error.code !== 9109;
}

/** A write refused with 403 after the read probes passed: the token holds Read where Edit is needed. */
function explainRefusedWrite(error: unknown, permission: MissingWorkerPermission): unknown {
  if (!isPermissionRefused(error)) return error;
  const refusal = error as CloudflareApiError;
  return new CloudflareApiError(`The API token lacks ${permission} (it may hold only Read). ${refusal.message}`, refusal.details);
}

function explainPatternTaken(error: unknown, zoneId: string, pattern: string): unknown {
  if (!(error instanceof CloudflareApiError) || error.code !== ROUTE_PATTERN_TAKEN) return error;
  return new CloudflareApiError(
    `Zone ${zoneId} already has another Worker route with the pattern ${pattern}; Cloudflare allows one route ` +
      `per pattern (code ${ROUTE_PATTERN_TAKEN}). Remove or change that route first.`,
    error.details,
  );
}
