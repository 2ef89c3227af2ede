import { accountFor, requireWorkersAccess } from './auth.js';
import { ApiError, invalidRequest, success } from './envelope.js';
import type { AuthedContext, Handler } from './request-context.js';
import type { FakeWorkerScript } from './types.js';
import { apiScriptListItem, apiScriptSetting, apiScriptUpload, apiWorkersDev, workersDevBodySchema } from './workers-contract.js';
import { scriptOfUpload } from './workers-upload.js';

/** Cloudflare's answer for a script the account does not have (docs/cloudflare-facts.md#workers-script-upload). */
export function scriptNotFound(status = 404): ApiError {
  return ApiError.of(status, 10007, 'workers.api.error.script_not_found');
}

/** `GET /accounts/{id}/workers/scripts`: every script of the account (one page, as the SDK's SinglePage expects). */
export const listScripts: Handler = (ctx) => {
  const accountId = scriptsAccount(ctx, 'read');
  if (ctx.query.has('tags')) throw new Error('the fake does not model the tags filter of the scripts list');
  return success(ctx.state.workers.scriptsOf(accountId).map(apiScriptListItem));
};

/** `PUT /accounts/{id}/workers/scripts/{name}`: creates the script or replaces it whole (docs/cloudflare-facts.md#workers-script-upload). */
export const uploadScript: Handler = (ctx) => {
  const accountId = scriptsAccount(ctx, 'edit');
  const today = new Date().toISOString().slice(0, 10);
  const fields = scriptOfUpload(ctx.contentType, ctx.rawBody, ctx.parts, today);
  return success(apiScriptUpload(ctx.state.workers.putScript(accountId, ctx.params.script_name ?? '', fields)));
};

export const deleteScript: Handler = (ctx) => {
  const script = scriptOf(ctx, 'edit');
  ctx.state.workers.deleteScript(script.accountId, script.name);
  return success(null);
};

/** `GET …/scripts/{name}/script-settings`: where the script's tags are read. */
export const getScriptSettings: Handler = (ctx) => success(apiScriptSetting(scriptOf(ctx, 'read')));

/** `GET …/scripts/{name}/subdomain`: whether the script answers on the account's workers.dev subdomain. */
export const getWorkersDev: Handler = (ctx) => success(apiWorkersDev(scriptOf(ctx, 'read')));

/** `POST …/scripts/{name}/subdomain`: sets it; `previews_enabled` left out keeps the Preview URLs as they are. */
export const setWorkersDev: Handler = (ctx) => {
  const script = scriptOf(ctx, 'edit');
  const parsed = workersDevBodySchema.safeParse(ctx.body);
  if (!parsed.success) throw invalidRequest(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; '));
  const body = parsed.data;
  script.workersDev = { enabled: body.enabled, previewsEnabled: body.previews_enabled ?? script.workersDev.previewsEnabled };
  return success(apiWorkersDev(script));
};

function scriptsAccount(ctx: AuthedContext, need: 'read' | 'edit'): string {
  const accountId = accountFor(ctx.state, ctx.token, ctx.params.account_id ?? '', ctx.fullPath);
  requireWorkersAccess(ctx.token, 'scripts', need);
  return accountId;
}

function scriptOf(ctx: AuthedContext, need: 'read' | 'edit'): FakeWorkerScript {
  const script = ctx.state.workers.script(scriptsAccount(ctx, need), ctx.params.script_name ?? '');
  if (!script) throw scriptNotFound();
  return script;
}
