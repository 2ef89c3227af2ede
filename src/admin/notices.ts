import { Logger } from '@nestjs/common';
import { type NoticeMessage, ValidationError as FormValidationError } from 'adminjs';
import { AppError, ValidationError } from '../common/errors.js';

// The one place where failures become what the panel shows (the CLI's counterpart is cli/exit-codes.ts).
// Our errors carry messages written for operators and free of secrets; anything else is logged, and shown
// only vaguely, since its message was never meant for a browser.

const logger = new Logger('AdminPanel');

function messageOf(error: unknown): string {
  if (error instanceof AppError) return error.message;
  logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return 'Unexpected error; the server log has the details.';
}

export function errorNotice(error: unknown): NoticeMessage {
  return { message: messageOf(error), type: 'error' };
}

/**
 * For a form's save: thrown from an action handler, AdminJS keeps the form as typed, shows the message as a
 * notice and, when our ValidationError names a field, beside that field. `properties` maps a service's input
 * name to the form's property where they differ (apiKeyName → apiKeyId).
 */
export function formError(error: unknown, properties: Record<string, string> = {}): FormValidationError {
  const message = messageOf(error);
  const field = error instanceof ValidationError ? error.field : undefined;
  const property = field ? (properties[field] ?? field) : undefined;
  return new FormValidationError(property ? { [property]: { message } } : {}, { message });
}
