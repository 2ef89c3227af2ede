import { ValidationError } from '../common/errors.js';

export function parseKeyName(raw: string): string {
  const name = raw.trim();
  if (!/^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,99}$/u.test(name)) {
    throw new ValidationError(
      `Invalid API key name "${raw}": use 1–100 letters, digits, spaces, dots, underscores or hyphens, starting with a letter or digit.`,
      { field: 'name' },
    );
  }
  return name;
}

/** Cloudflare API tokens are 40 URL-safe characters today; accept a little more, never whitespace inside. */
export function parseToken(raw: string): string {
  const token = raw.trim();
  if (token.length === 0) {
    throw new ValidationError('No API token given: pipe it on standard input, e.g. `maintenance api-keys add prod < token.txt`.', { field: 'token' });
  }
  if (!/^[\x21-\x7e]{20,512}$/.test(token)) {
    throw new ValidationError(
      'Invalid API token: expected one line of 20–512 printable characters without spaces (a Cloudflare API token, not a Global API Key with an e-mail).',
      { field: 'token' },
    );
  }
  return token;
}

export function maskToken(hint: string): string {
  return `••••••••${hint}`;
}
