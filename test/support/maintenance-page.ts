import { setTimeout as sleep } from 'node:timers/promises';

/** How soon a change must show on the maintenance page (docs/maintenance-page.md#bounds). */
export const PAGE_BOUND_MS = 2000;

export interface SeenPage {
  status: number;
  retryAfter: number;
  html: string;
}

export async function fetchPage(serverUrl: string, domain: string): Promise<SeenPage> {
  const response = await fetch(`${serverUrl}/maintenance?site=${domain}`);
  return { status: response.status, retryAfter: Number(response.headers.get('retry-after')), html: await response.text() };
}

/** Polls a site's page from now until `shows` holds, for at most `boundMs`; throws with the last page otherwise. */
export async function pageWithin(serverUrl: string, domain: string, shows: (html: string) => boolean, boundMs = PAGE_BOUND_MS): Promise<SeenPage> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const seen = await fetchPage(serverUrl, domain);
    if (shows(seen.html)) return seen;
    if (Date.now() > deadline) throw new Error(`The page of ${domain} did not change within ${boundMs} ms:\n${seen.html}`);
    await sleep(50);
  }
}
