import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { issueSecret, secretMatches, splitToken, visiblePrefix } from '../../src/api-tokens/api-token-secret.js';
import { parseExpiry, parseRole, parseTokenName } from '../../src/api-tokens/api-token-input.validation.js';
import { ValidationError } from '../../src/common/errors.js';

describe('API token secrets', () => {
  it('issues a recognisable token of 256 random bits, of which only the SHA-256 is kept', () => {
    const issued = issueSecret();
    expect(issued.token).toMatch(/^cfm_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    const parts = splitToken(issued.token)!;
    expect(parts.lookupId).toBe(issued.lookupId);
    expect(Buffer.from(parts.secret, 'base64url')).toHaveLength(32);
    expect(issued.secretHash).toEqual(createHash('sha256').update(parts.secret).digest());
    expect(visiblePrefix(issued.lookupId)).toBe(issued.token.slice(0, 16));
    expect(issued.token.includes(issued.secretHash.toString('hex'))).toBe(false);
  });

  it('never issues the same token twice', () => {
    const tokens = new Set(Array.from({ length: 200 }, () => issueSecret().token));
    expect(tokens.size).toBe(200);
  });

  it('matches only the secret it was made from', () => {
    const issued = issueSecret();
    const { secret } = splitToken(issued.token)!;
    expect(secretMatches(secret, issued.secretHash)).toBe(true);
    expect(secretMatches(`${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`, issued.secretHash)).toBe(false);
    expect(secretMatches('', issued.secretHash)).toBe(false);
  });

  it('refuses what has not the shape of our tokens', () => {
    const issued = issueSecret();
    for (const presented of ['', 'cfm_', issued.token.slice(0, -1), `${issued.token}x`, issued.token.replace('cfm_', 'cfx_'), ` ${issued.token}`]) {
      expect(splitToken(presented)).toBeNull();
    }
  });
});

describe('API token input', () => {
  const now = new Date('2026-12-06T12:00:00Z');

  it('reads an expiry in days or hours from now', () => {
    expect(parseExpiry('90d', now)).toEqual(new Date('2027-03-06T12:00:00Z'));
    expect(parseExpiry('12h', now)).toEqual(new Date('2026-12-07T00:00:00Z'));
  });

  it.each(['0d', '-5d', '90', 'd', '1.5d', '90m', '3651d', 'never'])('refuses the expiry %p, naming the field', (raw) => {
    expect(() => parseExpiry(raw, now)).toThrow(expect.objectContaining({ field: 'expires' }));
  });

  it('accepts the three roles only', () => {
    expect(parseRole('Operator')).toBe('operator');
    expect(() => parseRole('root')).toThrow(/expected one of viewer, operator, admin/);
    expect(() => parseRole(undefined)).toThrow(/Missing --role/);
  });

  it('keeps names to what an audit actor can show', () => {
    expect(parseTokenName(' deploy-prod ')).toBe('deploy-prod');
    for (const bad of ['', 'two words', 'a\nb', '-leading', 'x'.repeat(101)]) expect(() => parseTokenName(bad)).toThrow(ValidationError);
  });
});
