import { createHash } from 'node:crypto';
import { PAGE_CONTENT_SECURITY_POLICY } from '../../../maintenance-page/render-page.js';
import { BYPASS_COOKIE, BYPASS_COOKIE_MAX_AGE_SECONDS, BYPASS_HEADER, BYPASS_QUERY } from '../../../sites/bypass-secret.js';
import { WORKER_RUNTIME } from './worker-runtime.js';
import type { WorkerSiteEntry } from './worker-site-entry.js';

export interface WorkerScript {
  source: string;
  /** First 16 hex digits of the source's SHA-256: the same sites' data always gives the same version. */
  version: string;
}

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The entry's fields in one order and its pages by language, so that only the data decides the source. */
function canonical(entry: WorkerSiteEntry): WorkerSiteEntry {
  return {
    siteId: entry.siteId,
    domain: entry.domain,
    hosts: entry.hosts,
    hostSuffixes: entry.hostSuffixes,
    bypassIps: entry.bypassIps,
    bypassSecretSha256: entry.bypassSecretSha256,
    excludedPaths: entry.excludedPaths,
    endsAt: entry.endsAt,
    retryAfterSeconds: entry.retryAfterSeconds,
    pages: Object.fromEntries(Object.entries(entry.pages).sort(([a], [b]) => byCodePoint(a, b))),
  };
}

/**
 * The sites' data as a JavaScript string literal holding JSON, read with JSON.parse: nothing in an
 * operator's text can end the literal (JSON escapes quotes and backslashes, and a string literal knows
 * no `${`), and JSON.parse, unlike an object literal, gives a `__proto__` key no meaning. U+2028 and
 * U+2029 are escaped too, for parsers older than ES2019 that end a string at them.
 */
function dataLiteral(entries: WorkerSiteEntry[]): string {
  return JSON.stringify(JSON.stringify(entries)).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** The maintenance Worker of one account: every site of the account on the worker engine, as data beside one fetch handler. */
export function workerScript(entries: WorkerSiteEntry[]): WorkerScript {
  const sorted = entries.map(canonical).sort((a, b) => byCodePoint(a.siteId, b.siteId));
  const repeated = sorted.find((entry, index) => index > 0 && sorted[index - 1].siteId === entry.siteId);
  if (repeated) throw new Error(`Site ${repeated.siteId} is in the Worker's data twice.`);
  const source = [
    '// cloudflare-maintenance: the maintenance Worker. Generated; every change of a site replaces it.',
    `const BYPASS_COOKIE = ${JSON.stringify(BYPASS_COOKIE)};`,
    `const BYPASS_HEADER = ${JSON.stringify(BYPASS_HEADER)};`,
    `const BYPASS_QUERY = ${JSON.stringify(BYPASS_QUERY)};`,
    `const BYPASS_COOKIE_MAX_AGE_SECONDS = ${BYPASS_COOKIE_MAX_AGE_SECONDS};`,
    `const PAGE_CONTENT_SECURITY_POLICY = ${JSON.stringify(PAGE_CONTENT_SECURITY_POLICY)};`,
    `const ENTRIES = JSON.parse(${dataLiteral(sorted)});`,
    WORKER_RUNTIME,
  ].join('\n');
  return { source, version: createHash('sha256').update(source, 'utf8').digest('hex').slice(0, 16) };
}
