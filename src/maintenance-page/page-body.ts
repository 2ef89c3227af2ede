import { createHash } from 'node:crypto';

/** A page's bytes, ready to send, with their entity tag. */
export interface PageBody {
  bytes: Buffer;
  etag: string;
}

/** A weak tag of the page's length and hash, as Express tagged it. */
export function pageBody(html: string): PageBody {
  const bytes = Buffer.from(html);
  const hash = createHash('sha1').update(bytes).digest('base64').slice(0, 27);
  return { bytes, etag: `W/"${bytes.length.toString(16)}-${hash}"` };
}
