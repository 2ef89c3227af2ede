import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { type MaintenancePageInput, renderMaintenancePage } from './render-page.js';

/** Bounds of the memo: pages kept, and their total length in UTF-16 code units (about 2 KB a page of the default design). */
export const RENDERED_PAGES_LIMITS = { pages: 5000, length: 32 * 1024 * 1024 };

/**
 * The rendered page of every input seen lately, by a hash of the whole input (domain, name, branding, message,
 * end, timezone, language): the page is a pure function of those, so a changed input is a new key and is
 * rendered afresh, and an unchanged one costs a hash instead of a render. The worker engine rebuilds an account's
 * script from all its sites on every operation on one of them; without this a bulk run over N sites of one
 * account rendered about N² pages (docs/worker-engine.md#rendering-once).
 */
export class RenderedPages {
  private readonly pages: LRUCache<string, string>;

  constructor(
    limits: { pages: number; length: number } = RENDERED_PAGES_LIMITS,
    private readonly render: (input: MaintenancePageInput) => string = renderMaintenancePage,
  ) {
    this.pages = new LRUCache({ max: limits.pages, maxSize: limits.length, sizeCalculation: (page) => Math.max(1, page.length) });
  }

  page(input: MaintenancePageInput): string {
    const key = keyOf(input);
    const kept = this.pages.get(key);
    if (kept !== undefined) return kept;
    const page = this.render(input);
    this.pages.set(key, page);
    return page;
  }
}

function keyOf(input: MaintenancePageInput): string {
  const fields = [input.domain, input.siteName ?? null, input.branding, input.message ?? null, input.endsAt?.toISOString() ?? null, input.timezone ?? null, input.language ?? null];
  return createHash('sha256').update(JSON.stringify(fields), 'utf8').digest('base64');
}
