import type { RequestHandler } from 'express';
import getRawBody from 'raw-body';
import { problem } from './problem.js';
import { sendProblem } from './problem.filter.js';

/** Far above any request of the API (a bulk operation naming 500 domains is about 20 KiB). */
export const MAX_BODY_BYTES = 64 * 1024;
const WITHOUT_BODY = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

/**
 * Marks every answer uncacheable and parses the API's request bodies, refusing before anything else reads them: any other media type than
 * application/json (415), a body past MAX_BODY_BYTES (413), a body that is not JSON (400). The server
 * has no body parser of its own (main.ts), so nothing else parses them first.
 */
export const apiBody: RequestHandler = (req, res, next) => {
  // Every answer holds live state, or a token's refusal: never kept by a cache.
  res.set('Cache-Control', 'no-store');
  const declaredLength = Number(req.get('content-length') ?? 0);
  const hasBody = declaredLength > 0 || req.get('transfer-encoding') !== undefined;
  if (!hasBody) {
    req.body = undefined;
    return next();
  }
  if (WITHOUT_BODY.has(req.method)) {
    return sendProblem(res, problem('invalid_input', `A ${req.method} request takes no body.`, { field: 'body' }));
  }
  if (!req.is('application/json')) {
    return sendProblem(res, problem('unsupported_media_type', `Send the body as application/json (got ${req.get('content-type') ?? 'no Content-Type'}).`));
  }
  if (declaredLength > MAX_BODY_BYTES) return tooLarge(res);
  getRawBody(req, { limit: MAX_BODY_BYTES, encoding: 'utf8' }).then(
    (text) => {
      try {
        req.body = JSON.parse(text) as unknown;
      } catch {
        return sendProblem(res, problem('invalid_input', 'The body is not valid JSON.', { field: 'body' }));
      }
      next();
    },
    (error: { type?: string }) => {
      if (error.type === 'entity.too.large') return tooLarge(res);
      sendProblem(res, problem('invalid_input', 'The body could not be read.', { field: 'body' }));
    },
  );
};

function tooLarge(res: Parameters<RequestHandler>[1]): void {
  sendProblem(res, problem('body_too_large', `The body is larger than ${MAX_BODY_BYTES} bytes.`));
}
