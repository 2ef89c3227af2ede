import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

interface ScryptParameters {
  /** log2 of scrypt's cost N. */
  ln: number;
  r: number;
  p: number;
}

/** About 100 ms and 32 MiB per hash on a current server core; stored with each hash so it can be raised later. */
const CURRENT: ScryptParameters = { ln: 15, r: 8, p: 1 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const MAX_MEMORY_BYTES = 256 * 1024 * 1024;

// PHC string format: $scrypt$ln=15,r=8,p=1$<salt>$<hash>, base64 without padding.
const STORED = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

function derive(password: string, salt: Buffer, keyBytes: number, { ln, r, p }: ScryptParameters): Promise<Buffer> {
  const N = 2 ** ln;
  return new Promise((resolve, reject) => {
    // NFKC, so that the same password typed on another keyboard or system still matches.
    scrypt(password.normalize('NFKC'), salt, keyBytes, { N, r, p, maxmem: 256 * N * r }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

const encode = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, CURRENT);
  return `$scrypt$ln=${CURRENT.ln},r=${CURRENT.r},p=${CURRENT.p}$${encode(salt)}$${encode(key)}`;
}

/** Constant-time comparison; false for a wrong password and for a stored value it cannot read. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.key.length, parsed.parameters);
  return timingSafeEqual(key, parsed.key);
}

/** True when the hash was made with other parameters than today's, so it should be replaced at the next login. */
export function needsRehash(stored: string): boolean {
  const parsed = parse(stored);
  return !parsed || Object.entries(CURRENT).some(([name, value]) => parsed.parameters[name as keyof ScryptParameters] !== value);
}

function parse(stored: string): { parameters: ScryptParameters; salt: Buffer; key: Buffer } | null {
  const match = STORED.exec(stored);
  if (!match) return null;
  const [, ln, r, p, salt, key] = match;
  const parameters = { ln: Number(ln), r: Number(r), p: Number(p) };
  // Bounds, so that a tampered row cannot make one login take minutes or gigabytes.
  const memory = 128 * 2 ** parameters.ln * parameters.r;
  if (parameters.ln < 10 || parameters.r < 1 || parameters.p < 1 || parameters.p > 16 || memory > MAX_MEMORY_BYTES) return null;
  return { parameters, salt: Buffer.from(salt, 'base64'), key: Buffer.from(key, 'base64') };
}
