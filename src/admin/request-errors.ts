import { Logger } from '@nestjs/common';
import { NotFoundError as AdminJsNotFoundError } from 'adminjs';
import type { ErrorRequestHandler } from 'express';

/** A request the panel refuses as malformed (400), not allowed to this user (403), unknown (404), too large (413) or of a type it does not read (415). */
export class AdminRequestError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 413 | 415,
    message: string,
  ) {
    super(message);
    this.name = 'AdminRequestError';
  }
}

const logger = new Logger('AdminPanel');

/**
 * The last handler under /admin: a refused request gets its status and a short message, and no stack
 * trace is logged for it; anything else is a fault of ours, logged in full and answered 500 without details.
 */
export const adminErrorHandler: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  if (res.headersSent) return next(error);
  if (error instanceof AdminRequestError) {
    res.status(error.status).json({ statusCode: error.status, message: error.message });
  } else if (error instanceof AdminJsNotFoundError) {
    res.status(404).json({ statusCode: 404, message: error.message.trim().split('\n')[0] });
  } else {
    logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    res.status(500).json({ statusCode: 500, message: 'Unexpected error; the server log has the details.' });
  }
};
