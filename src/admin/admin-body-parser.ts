import busboy from 'busboy';
import type { Request, RequestHandler } from 'express';
import type { IncomingHttpHeaders } from 'node:http';
import getRawBody from 'raw-body';
import { AdminRequestError } from './request-errors.js';

const MAX_FIELDS = 1000;

/**
 * The panel's only body parser, in place of AdminJS's express-formidable, which writes every file part to
 * the OS temp folder before the login check and never removes it. This one reads JSON, urlencoded and
 * multipart forms into memory (the size is bounded by http-guards.ts), refuses any file part (no form of
 * the panel has one) and any other body type, and marks the request parsed, so that express-formidable
 * leaves it alone: nothing is ever written to disk.
 */
export function adminBodyParser(maxBytes: number): RequestHandler {
  return async (req, _res, next) => {
    const fields = hasBody(req) ? await parseBody(req, maxBytes) : {};
    Object.assign(req, { fields, files: {}, express_formidable: { parsed: true } });
    next();
  };
}

function hasBody(req: Request): boolean {
  return req.get('transfer-encoding') !== undefined || Number(req.get('content-length') ?? 0) > 0;
}

async function parseBody(req: Request, maxBytes: number): Promise<Record<string, unknown>> {
  const type = req.is(['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data']);
  if (!type) {
    throw new AdminRequestError(415, 'Unsupported request body: send JSON, an urlencoded form or a multipart form without files.');
  }
  const body = await getRawBody(req, { length: req.get('content-length'), limit: maxBytes }).catch(() => {
    throw new AdminRequestError(400, 'The request body could not be read.');
  });
  if (type === 'multipart/form-data') return multipartFields(req.headers, body);
  const text = body.toString('utf8');
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(text));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AdminRequestError(400, 'The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AdminRequestError(400, 'The request body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

function multipartFields(headers: IncomingHttpHeaders, body: Buffer): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const refuse = (status: 400 | 413, message: string) => reject(new AdminRequestError(status, message));
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers, limits: { fields: MAX_FIELDS, parts: MAX_FIELDS, fieldSize: body.length } });
    } catch {
      return refuse(400, 'The multipart body has no valid boundary.');
    }
    const fields: Record<string, string> = {};
    let refusal: [400 | 413, string] | undefined;
    parser.on('field', (name, value) => (fields[name] = value));
    parser.on('file', (_name, stream) => {
      refusal ??= [400, 'File uploads are not accepted: no form of the panel has one.'];
      stream.resume();
    });
    parser.on('fieldsLimit', () => (refusal ??= [413, `Too many form fields: at most ${MAX_FIELDS}.`]));
    parser.on('partsLimit', () => (refusal ??= [413, `Too many form fields: at most ${MAX_FIELDS}.`]));
    parser.on('error', () => refuse(400, 'The multipart body could not be read.'));
    parser.on('close', () => (refusal ? refuse(...refusal) : resolve(fields)));
    parser.end(body);
  });
}
