import type { IncomingMessage, ServerResponse } from 'node:http';
import { type MaintenancePageService, pageDomain, type SitePage } from './maintenance-page.service.js';
import { pickLanguage } from './page-language.js';
import { PAGE_CONTENT_SECURITY_POLICY } from './render-page.js';
import { retryAfterSeconds } from './retry-after.js';

/** The paths Nest's @Get('maintenance') answered: Express matches them without case and with a trailing slash. */
const PAGE_PATHS = new Set(['/maintenance', '/maintenance/']);

const FIXED_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': PAGE_CONTENT_SECURITY_POLICY,
  Vary: 'Accept-Language',
};

/** The `site` parameter, when the query holds exactly one. */
function siteParameter(url: string): string | undefined {
  const query = url.indexOf('?');
  if (query < 0) return undefined;
  const sites = new URLSearchParams(url.slice(query + 1)).getAll('site');
  return sites.length === 1 ? sites[0] : undefined;
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return (query < 0 ? url : url.slice(0, query)).toLowerCase();
}

/**
 * GET and HEAD /maintenance?site=…, answered from the snapshot before Express routes anything, so that a
 * visitor costs no query and almost no work (docs/maintenance-page.md). Anything else goes on to Nest.
 * A redirect can only answer 3xx, so the 503 and Retry-After that search engines need come from this page
 * (docs/cloudflare-facts.md#page-rules).
 */
export function maintenancePageHandler(pages: MaintenancePageService, defaultRetryAfterSeconds: number) {
  const answer = (request: IncomingMessage, response: ServerResponse, known: SitePage | undefined) => {
    const page = known ?? pages.generic();
    const body = page.body(pickLanguage(request.headers['accept-language'], page.languages));
    response.writeHead(503, {
      ...FIXED_HEADERS,
      'Retry-After': String(retryAfterSeconds(page.view, new Date(), defaultRetryAfterSeconds)),
      ETag: body.etag,
      'Content-Length': body.bytes.length,
    });
    response.end(request.method === 'HEAD' ? undefined : body.bytes);
  };

  return (request: IncomingMessage, response: ServerResponse, next: () => void): void => {
    const url = request.url ?? '/';
    if ((request.method !== 'GET' && request.method !== 'HEAD') || !PAGE_PATHS.has(pathOf(url))) return next();
    const domain = pageDomain(siteParameter(url));
    const pending = pages.pending();
    if (!pending) return answer(request, response, domain ? pages.find(domain) : undefined);
    void pending.then(() => answer(request, response, domain ? pages.find(domain) : undefined));
  };
}
