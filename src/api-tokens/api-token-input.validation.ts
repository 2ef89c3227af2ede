import { isRole, ROLES, type Role } from '../access/roles.js';
import { ValidationError } from '../common/errors.js';

export function parseTokenName(raw: string): string {
  const name = raw.trim();
  if (!/^[\p{L}\p{N}][\p{L}\p{N}._-]{0,99}$/u.test(name)) {
    throw new ValidationError(
      `Invalid token name "${raw}": use 1–100 letters, digits, dots, underscores or hyphens, starting with a letter or digit ` +
        '(it becomes the audit log\'s actor, api:<name>).',
      { field: 'name' },
    );
  }
  return name;
}

export function parseRole(raw: string | undefined): Role {
  if (raw === undefined) throw new ValidationError(`Missing --role: expected one of ${ROLES.join(', ')}.`, { field: 'role' });
  const role = raw.trim().toLowerCase();
  if (!isRole(role)) throw new ValidationError(`Invalid role "${raw}": expected one of ${ROLES.join(', ')}.`, { field: 'role' });
  return role;
}

const UNIT_MS = { d: 86_400_000, h: 3_600_000 } as const;
const MAX_LIFETIME_DAYS = 3650;

/** `90d` or `12h` from now; at most ten years. */
export function parseExpiry(raw: string, now: Date): Date {
  const match = /^\s*(\d{1,5})\s*([dh])\s*$/.exec(raw);
  const amount = match ? Number(match[1]) : 0;
  const ms = match ? amount * UNIT_MS[match[2] as keyof typeof UNIT_MS] : 0;
  if (!match || amount < 1 || ms > MAX_LIFETIME_DAYS * UNIT_MS.d) {
    throw new ValidationError(
      `Invalid expiry "${raw}": expected a whole number of days or hours from now, e.g. 90d or 12h (at most ${MAX_LIFETIME_DAYS}d).`,
      { field: 'expires' },
    );
  }
  return new Date(now.getTime() + ms);
}
