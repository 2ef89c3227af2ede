import { ValidationError } from '../common/errors.js';

/**
 * How a site is put into maintenance: Page Rules (the default; every plan, no bypass or exclusions),
 * one Single Redirect rule in the zone's http_request_dynamic_redirect phase (bypass and excluded paths),
 * or a Worker answering 503 at Cloudflare's edge (bypass and excluded paths, no load on our server).
 */
export const SITE_ENGINES = ['page_rules', 'redirect_rule', 'worker'] as const;
export type SiteEngine = (typeof SITE_ENGINES)[number];

export const DEFAULT_SITE_ENGINE: SiteEngine = 'page_rules';

/** Each engine in one line: plans and limits, what visitors get, bypass, exclusions, load on our server (README "Engines"). */
export const ENGINE_SUMMARIES: Record<SiteEngine, string> = {
  page_rules: 'page_rules: Page Rules, every plan (3 per zone on Free); 302 to the maintenance page; no bypass, no excluded paths; every visitor loads our server',
  redirect_rule:
    'redirect_rule: a Single Redirect rule, every plan (10 per zone on Free); 302 to the maintenance page; bypass by IP and secret; excluded paths; every visitor loads our server',
  worker:
    'worker: a Cloudflare Worker, every plan (Free Workers: 100,000 requests a day per account); 503 with Retry-After in place; bypass by IP and secret; excluded paths; no load on our server',
};

/** The engine's name in the admin's select. */
export const ENGINE_LABELS: Record<SiteEngine, string> = { page_rules: 'Page Rules', redirect_rule: 'Single Redirect rule', worker: 'Cloudflare Worker (503 in place)' };

/** Whether the engine can let staff through and exclude paths (every engine but Page Rules). */
export function engineExpressesAccess(engine: SiteEngine): boolean {
  return engine !== 'page_rules';
}

/**
 * Whether the engine sends visitors to a maintenance URL (the site's own, or the page under PUBLIC_URL), and so
 * needs one: Page Rules and Single Redirect rules redirect; the Worker answers in place and sends nobody anywhere.
 */
export function engineNeedsForwardUrl(engine: SiteEngine): boolean {
  return engine !== 'worker';
}

/** The --engine help of the CLI: the choices, one line each. */
export function engineHelp(defaultNote = ''): string {
  return [`how maintenance is applied${defaultNote}:`, ...SITE_ENGINES.map((engine) => `  ${ENGINE_SUMMARIES[engine]}`)].join('\n');
}

export function isSiteEngine(value: unknown): value is SiteEngine {
  return typeof value === 'string' && (SITE_ENGINES as readonly string[]).includes(value);
}

export function parseSiteEngine(raw: string): SiteEngine {
  const engine = raw.trim().toLowerCase();
  if (!isSiteEngine(engine)) {
    throw new ValidationError(
      `Invalid engine "${raw}": expected one of ${SITE_ENGINES.join(', ')} ` +
        '(page_rules: Page Rules, the default; redirect_rule: a Single Redirect rule, which can let staff through and exclude paths; ' +
        'worker: a Cloudflare Worker answering 503 in place, with the same bypass and exclusions).',
      { field: 'engine' },
    );
  }
  return engine;
}
