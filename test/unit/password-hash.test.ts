import { describe, expect, it } from '@jest/globals';
import { hashPassword, needsRehash, verifyPassword } from '../../src/admin-users/password-hash.js';
import { parseEmail, parsePassword } from '../../src/admin-users/admin-user-input.validation.js';
import { legacyPasswordHash } from '../support/legacy-password-hash.js';

const PASSWORD = 'correct horse battery staple';

describe('password hashing', () => {
  it('stores scrypt with its parameters and a random salt, and verifies only the right password', async () => {
    const stored = await hashPassword(PASSWORD);
    expect(stored).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(stored).not.toContain(PASSWORD);
    expect(await hashPassword(PASSWORD)).not.toBe(stored);
    expect(await verifyPassword(PASSWORD, stored)).toBe(true);
    expect(await verifyPassword(`${PASSWORD} `, stored)).toBe(false);
    expect(needsRehash(stored)).toBe(false);
  });

  it('verifies a hash made with other parameters, and asks for it to be replaced', async () => {
    const older = legacyPasswordHash(PASSWORD);
    expect(await verifyPassword(PASSWORD, older)).toBe(true);
    expect(needsRehash(older)).toBe(true);
  });

  it('refuses what it cannot read or what would cost too much, rather than throwing', async () => {
    for (const stored of ['', 'plain', '$scrypt$ln=15,r=8,p=1$$', '$scrypt$ln=30,r=8,p=1$c2FsdA$a2V5', '$bcrypt$12$abc']) {
      expect(await verifyPassword(PASSWORD, stored)).toBe(false);
    }
  });
});

describe('admin user input', () => {
  it('normalises e-mail addresses and names the field of a bad one', () => {
    expect(parseEmail('  Ops@Example.COM ')).toBe('ops@example.com');
    for (const bad of ['', 'ops', 'ops@', '@example.com', 'ops@example', 'a b@example.com', 'ops@-example.com']) {
      expect(() => parseEmail(bad)).toThrow(expect.objectContaining({ kind: 'validation', field: 'email' }));
    }
  });

  it('wants at least 12 characters, counted as characters, not bytes', () => {
    expect(parsePassword('twelve chars')).toBe('twelve chars');
    expect(() => parsePassword('short')).toThrow(/too short \(5 characters\): use at least 12/);
    expect(() => parsePassword('ééééééééééé')).toThrow(/too short \(11 characters\)/);
    expect(() => parsePassword(' '.repeat(20))).toThrow(/blank/);
    expect(() => parsePassword('x'.repeat(1025))).toThrow(/too long/);
  });
});
