import { randomBytes } from 'node:crypto';

/** Cloudflare identifiers are 32 lowercase hex characters. */
export function newId(): string {
  return randomBytes(16).toString('hex');
}

export function isCloudflareId(value: string): boolean {
  return /^[0-9a-f]{32}$/.test(value);
}

export function nowIso(): string {
  return new Date().toISOString();
}
