import { Script } from 'node:vm';
import { ApiError } from './envelope.js';
import type { ScriptFields } from './workers-state.js';

/** One part of a multipart body; `type` is undefined for a plain field (a part sent without a file name). */
export interface UploadPart {
  name: string;
  type?: string;
  text: string;
}

/** Cloudflare's code for an upload it could read but not accept (docs/cloudflare-facts.md#workers-script-upload). */
export const SCRIPT_REFUSED = 10021;
const MODULE_TYPE = 'application/javascript+module';
const METADATA_FIELDS = new Set(['main_module', 'compatibility_date', 'tags']);

export function mediaTypeOf(contentType: string | undefined): string | undefined {
  return contentType?.split(';')[0]?.trim().toLowerCase();
}

/**
 * The parts of a multipart/form-data body, by the same parser fetch uses (undici's); null when it cannot be
 * read as one. Read before the handler runs, since reading a part is asynchronous.
 */
export async function readMultipart(rawBody: string, contentType: string): Promise<UploadPart[] | null> {
  try {
    const form = await new Response(rawBody, { headers: { 'content-type': contentType } }).formData();
    const parts: UploadPart[] = [];
    for (const [name, value] of form) {
      parts.push(typeof value === 'string' ? { name, text: value } : { name, type: value.type, text: await value.text() });
    }
    return parts;
  } catch {
    return null;
  }
}

/**
 * The script an upload holds, or the 400 Cloudflare answers instead. A body that is not multipart is read as a
 * service-worker script named worker.js, which is how Cloudflare meets the SDK's broken upload
 * (cloudflare-typescript#2799): its multipart text fails to parse as JavaScript.
 */
export function scriptOfUpload(contentType: string | undefined, rawBody: string, parts: UploadPart[] | undefined, today: string): ScriptFields {
  if (mediaTypeOf(contentType) !== 'multipart/form-data') {
    syntaxCheckAsServiceWorker(rawBody);
    throw new Error('the fake does not model service-worker (non-module) uploads');
  }
  const metadataPart = parts?.find((part) => part.name === 'metadata');
  if (!parts || !metadataPart || (metadataPart.type !== undefined && mediaTypeOf(metadataPart.type) !== 'application/json')) {
    throw refused('could not read content for part metadata');
  }
  const metadata = parseMetadata(metadataPart.text);
  const mainModule = metadata.main_module;
  if (typeof mainModule !== 'string' || mainModule === '') throw refused('metadata must name the main module part in main_module');
  const modulePart = parts.find((part) => part.name === mainModule);
  if (!modulePart) throw refused(`main_module "${mainModule}" names no part of the upload`);
  if (modulePart.type !== MODULE_TYPE) {
    throw refused(`the main module part "${mainModule}" must be typed ${MODULE_TYPE}, not ${modulePart.type ?? 'a plain form field'}`);
  }
  const extra = parts.filter((part) => part !== metadataPart && part !== modulePart);
  if (extra.length > 0) throw new Error(`the fake does not model uploads with more modules (${extra.map((p) => p.name).join(', ')})`);
  return {
    mainModule,
    source: modulePart.text,
    compatibilityDate: compatibilityDate(metadata.compatibility_date, today),
    tags: tags(metadata.tags),
  };
}

function parseMetadata(text: string): Record<string, unknown> {
  let metadata: unknown;
  try {
    metadata = JSON.parse(text);
  } catch {
    throw refused('could not read content for part metadata');
  }
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) throw refused('could not read content for part metadata');
  const unmodelled = Object.keys(metadata).filter((key) => !METADATA_FIELDS.has(key));
  if (unmodelled.length > 0) throw new Error(`the fake does not model the metadata field(s) ${unmodelled.join(', ')}`);
  return metadata as Record<string, unknown>;
}

/** Optional (Cloudflare then applies an old default); a date after today is refused. */
function compatibilityDate(value: unknown, today: string): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw refused(`compatibility_date must be a date as YYYY-MM-DD, not ${JSON.stringify(value)}`);
  }
  if (value > today) throw refused(`Can't set compatibility date in the future: ${value}`);
  return value;
}

function tags(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((tag) => typeof tag === 'string')) throw refused('tags must be an array of strings');
  return value;
}

/** V8 parses the body the way workerd would, and reports where it fails the same way. */
function syntaxCheckAsServiceWorker(source: string): void {
  try {
    new Script(source, { filename: 'worker.js' });
  } catch (caught) {
    // By name, not instanceof: the error comes from node:vm's realm, not the one a test runner may give us.
    const error = caught as Error;
    if (error?.name !== 'SyntaxError') throw caught;
    // The stack starts "worker.js:<line>", then the source line, then carets under the failing token.
    const [where = '', , carets = ''] = (error.stack ?? '').split('\n');
    const lineNumber = /^worker\.js:(\d+)/.exec(where)?.[1] ?? '1';
    const column = Math.max(carets.indexOf('^'), 0) + 1;
    throw refused(`Uncaught SyntaxError: ${error.message}\n  at worker.js:${lineNumber}:${column}`);
  }
}

function refused(message: string): ApiError {
  return ApiError.of(400, SCRIPT_REFUSED, message);
}
