import { CloudflareApiError } from '../cloudflare/cloudflare-api.error.js';
import type { KeyBoundClient } from '../cloudflare/key-bound-client.js';
import type { ZoneRecord } from '../cloudflare/response-schemas.js';

/** Cloudflare's largest page of zones (docs/cloudflare-facts.md#zones-and-pagination). */
export const ZONES_PER_PAGE = 50;

/** Called once per non-empty page, in the order the pages arrive, with the zones no other page listed. */
export type OnZonePage = (page: number, zones: ZoneRecord[]) => Promise<void>;

/**
 * Reads a token's whole zone list (docs/cloudflare-facts.md#zones-and-pagination): page 1 first, whose
 * `total_pages` says how many follow; then pages 2 to total_pages + 1 up to `concurrency` at a time, each
 * handed to `onPage` as soon as it arrives; then on, one page at a time, until a page comes back empty, which
 * is the end of the list as the SDK defines it (zones added meanwhile are not missed). A zone listed on two
 * pages (the list shifted while it was read) is handed over once. On the first failure no further page is
 * requested, the pages in flight are let finish, and the failure is thrown: the listing is incomplete.
 */
export async function forEachZonePage(client: KeyBoundClient, concurrency: number, onPage: OnZonePage): Promise<void> {
  const listed = new Set<string>();
  const read = async (page: number): Promise<{ empty: boolean; totalPages?: number }> => {
    const { zones, totalPages } = await client.listZonesPage(page, ZONES_PER_PAGE);
    if (zones.length === 0) return { empty: true, totalPages };
    const fresh = zones.filter((zone) => !listed.has(zone.id));
    if (fresh.length === 0) {
      // An API that ignored `page` would answer the same page forever.
      throw new CloudflareApiError(`Cloudflare answered page ${page} of the zone list with zones it had already listed; the listing was stopped.`, {
        code: null,
        httpStatus: null,
        retryable: false,
      });
    }
    for (const zone of fresh) listed.add(zone.id);
    await onPage(page, fresh);
    return { empty: false, totalPages };
  };

  const first = await read(1);
  if (first.empty) return;
  let last = await readInParallel(2, Math.max(2, (first.totalPages ?? 1) + 1), concurrency, read);
  while (!last.empty) last = { page: last.page + 1, empty: (await read(last.page + 1)).empty };
}

/**
 * Reads pages `from`..`to` with up to `concurrency` in flight, in increasing order of request. Once a page
 * comes back empty, no later page is requested. Returns the highest page read and whether it was empty.
 */
async function readInParallel(
  from: number,
  to: number,
  concurrency: number,
  read: (page: number) => Promise<{ empty: boolean }>,
): Promise<{ page: number; empty: boolean }> {
  let next = from;
  let emptyAt = Infinity;
  let failure: { error: unknown } | undefined;
  const emptiness = new Map<number, boolean>();
  const worker = async () => {
    while (!failure && next <= to && next < emptyAt) {
      const page = next++;
      try {
        const { empty } = await read(page);
        emptiness.set(page, empty);
        if (empty) emptyAt = Math.min(emptyAt, page);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, to - from + 1)) }, worker));
  if (failure) throw failure.error;
  const page = Math.max(...emptiness.keys());
  return { page, empty: emptiness.get(page)! };
}
