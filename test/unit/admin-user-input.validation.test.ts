import { describe, expect, it } from '@jest/globals';
import { parseEmail } from '../../src/admin-users/admin-user-input.validation.js';

describe('admin user e-mail addresses', () => {
  it('refuse control characters, which the address pattern alone lets through', () => {
    expect(parseEmail('Ops@Example.com')).toBe('ops@example.com');
    for (const hostile of ['ops\u001b[2J@example.com', 'ops\u202e@example.com', 'ops\u009b@example.com', 'o\u0007ps@example.com']) {
      expect(() => parseEmail(hostile)).toThrow(/Invalid e-mail address/);
    }
  });
});
