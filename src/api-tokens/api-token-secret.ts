import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * An API token reads `cfm_<lookup>_<secret>`: the prefix makes a leaked one recognisable (secret scanners,
 * logs), the lookup id finds its row without the database comparing anything secret, and the secret is
 * 256 random bits of which only the SHA-256 is stored. A slow hash (scrypt, as for passwords) guards a
 * guessable secret; 256 random bits cannot be guessed, so a fast hash loses nothing and keeps every API
 * request cheap (docs/api.md#tokens).
 */
export const TOKEN_PREFIX = 'cfm_';
const LOOKUP_LENGTH = 12;
const TOKEN_SHAPE = /^cfm_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
const LOOKUP_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export interface IssuedSecret {
  /** The whole token, shown once. */
  token: string;
  lookupId: string;
  secretHash: Buffer;
}

export function issueSecret(): IssuedSecret {
  const lookupId = Array.from(randomBytes(LOOKUP_LENGTH), (byte) => LOOKUP_ALPHABET[byte % LOOKUP_ALPHABET.length]).join('');
  const secret = randomBytes(32).toString('base64url');
  return { token: `${TOKEN_PREFIX}${lookupId}_${secret}`, lookupId, secretHash: hashSecret(secret) };
}

/** The parts of a presented token, or null when it has not the shape of ours. */
export function splitToken(presented: string): { lookupId: string; secret: string } | null {
  const match = TOKEN_SHAPE.exec(presented);
  return match ? { lookupId: match[1], secret: match[2] } : null;
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

export function secretMatches(secret: string, storedHash: Buffer): boolean {
  const presented = hashSecret(secret);
  return presented.length === storedHash.length && timingSafeEqual(presented, storedHash);
}

/** What `list` shows to tell tokens apart: the prefix and the lookup id, never any of the secret. */
export function visiblePrefix(lookupId: string): string {
  return `${TOKEN_PREFIX}${lookupId}`;
}
