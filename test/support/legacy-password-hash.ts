import { scryptSync } from 'node:crypto';

/** A PHC scrypt hash made with other parameters than today's, as an older release would have stored it. */
export function legacyPasswordHash(password: string, ln = 14): string {
  const salt = Buffer.from('fedcba9876543210');
  const key = scryptSync(password, salt, 32, { N: 2 ** ln, r: 8, p: 1 });
  const encode = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');
  return `$scrypt$ln=${ln},r=8,p=1$${encode(salt)}$${encode(key)}`;
}
