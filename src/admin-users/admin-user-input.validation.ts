import { findControlCharacter } from '../common/control-characters.js';
import { ValidationError } from '../common/errors.js';

const EMAIL = /^[^\s@"<>()[\],;:]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

export const MIN_PASSWORD_LENGTH = 12;
const MAX_PASSWORD_LENGTH = 1024;

export function parseEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email) || findControlCharacter(email)) {
    throw new ValidationError(`Invalid e-mail address "${raw}": expected one address such as ops@example.com.`, { field: 'email' });
  }
  return email;
}

/** Length is what makes a password strong; anything printable goes, spaces included. */
export function parsePassword(raw: string): string {
  if (raw.trim().length === 0) throw new ValidationError('The password is blank.', { field: 'password' });
  const length = [...raw].length;
  if (length < MIN_PASSWORD_LENGTH) {
    throw new ValidationError(
      `The password is too short (${length} characters): use at least ${MIN_PASSWORD_LENGTH}, e.g. a few unrelated words.`,
      { field: 'password' },
    );
  }
  if (length > MAX_PASSWORD_LENGTH) {
    throw new ValidationError(`The password is too long: use at most ${MAX_PASSWORD_LENGTH} characters.`, { field: 'password' });
  }
  return raw;
}
