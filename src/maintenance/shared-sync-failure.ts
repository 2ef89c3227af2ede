/**
 * Runs a syncShared after the site's rules are gone; its failure is no reason to undo that (the site is out of
 * the zone either way), so it is told instead: what it left, and that reconcile repairs it.
 */
export async function sharedSyncFailure(sync: () => Promise<void>): Promise<string | null> {
  try {
    await sync();
    return null;
  } catch (error) {
    return (
      `The worker script still holds the site, which no route sends visitors to any more (${error instanceof Error ? error.message : String(error)}); ` +
      'reconcile re-deploys it.'
    );
  }
}
