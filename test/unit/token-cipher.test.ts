import { describe, expect, it } from '@jest/globals';
import { TokenCipher, TokenDecryptionError } from '../../src/api-keys/token-cipher.js';

describe('TokenCipher', () => {
  const token = 'cf-token-abcdefghijklmnopqrstuvwxyz0123';

  it('round-trips and never stores the token in clear', () => {
    const cipher = new TokenCipher('a secret key that is long enough 123');
    const stored = cipher.encrypt(token);
    expect(stored).not.toContain(token);
    expect(stored).toMatch(/^v1:/);
    expect(cipher.encrypt(token)).not.toBe(stored);
    expect(cipher.decrypt(stored)).toBe(token);
  });

  it('refuses a tampered ciphertext or another key', () => {
    const cipher = new TokenCipher('a secret key that is long enough 123');
    const stored = cipher.encrypt(token);
    const [version, iv, tag, data] = stored.split(':');
    const flipped = Buffer.from(data, 'base64');
    flipped[0] ^= 1;
    expect(() => cipher.decrypt([version, iv, tag, flipped.toString('base64')].join(':'))).toThrow(TokenDecryptionError);
    expect(() => new TokenCipher('another secret key, also long enough').decrypt(stored)).toThrow(TokenDecryptionError);
  });
});
