import { createHash } from 'node:crypto';
import { maintenancePageHtml } from './maintenance-page.html.js';
import type { MaintenancePageView } from './maintenance-page.service.js';

/** A page's bytes, ready to send, with their entity tag. */
export interface PageBody {
  bytes: Buffer;
  etag: string;
}

/** Renders the page once; a weak tag of its length and hash, as Express tagged it. */
export function pageBody(view: MaintenancePageView | null): PageBody {
  const bytes = Buffer.from(maintenancePageHtml(view));
  const hash = createHash('sha1').update(bytes).digest('base64').slice(0, 27);
  return { bytes, etag: `W/"${bytes.length.toString(16)}-${hash}"` };
}
