import type { Reply } from './envelope.js';
import type { FakeState } from './fake-state.js';
import type { FakeToken } from './types.js';
import type { UploadPart } from './workers-upload.js';

export interface RequestContext {
  method: string;
  /** The path after /client/v4. */
  path: string;
  /** The path as the client sent it, /client/v4 included (Cloudflare quotes it in 7003 errors). */
  fullPath: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON body, undefined when the request had none or it was not JSON (a script upload). */
  body: unknown;
  rawBody: string;
  contentType: string | undefined;
  /** The parts of a multipart/form-data body; undefined when it was not one or could not be read. */
  parts?: UploadPart[];
  authorization: string | undefined;
  state: FakeState;
}

export interface AuthedContext extends RequestContext {
  token: FakeToken;
}

export type Handler = (ctx: AuthedContext) => Reply;
