import { ValidationError } from '../common/errors.js';

/**
 * How a site is put into maintenance: Page Rules (the default; every plan, no bypass or exclusions) or
 * one Single Redirect rule in the zone's http_request_dynamic_redirect phase (bypass and excluded paths).
 */
export const SITE_ENGINES = ['page_rules', 'redirect_rule'] as const;
export type SiteEngine = (typeof SITE_ENGINES)[number];

export const DEFAULT_SITE_ENGINE: SiteEngine = 'page_rules';

export function isSiteEngine(value: unknown): value is SiteEngine {
  return typeof value === 'string' && (SITE_ENGINES as readonly string[]).includes(value);
}

export function parseSiteEngine(raw: string): SiteEngine {
  const engine = raw.trim().toLowerCase();
  if (!isSiteEngine(engine)) {
    throw new ValidationError(
      `Invalid engine "${raw}": expected one of ${SITE_ENGINES.join(', ')} ` +
        '(page_rules: Page Rules, the default; redirect_rule: a Single Redirect rule, which can let staff through and exclude paths).',
      { field: 'engine' },
    );
  }
  return engine;
}
