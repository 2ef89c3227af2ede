import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AdminUsersService } from '../../src/admin-users/admin-users.service.js';
import { legacyPasswordHash } from '../support/legacy-password-hash.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const PASSWORD = 'a long enough passphrase';

let db: TestDatabase;
let users: AdminUsersService;

beforeAll(async () => {
  db = await createTestDatabase();
  users = new AdminUsersService(db.dataSource);
});

afterAll(async () => {
  await db?.drop();
});

async function storedHash(email: string): Promise<string> {
  const [row] = await db.dataSource.query('SELECT password_hash FROM admin_users WHERE email = $1', [email]);
  return row.password_hash;
}

describe('AdminUsersService', () => {
  it('creates a user with a hashed password, once per address whatever its case', async () => {
    const created = await users.create({ email: 'Ops@Example.com', password: PASSWORD });

    expect(created).toEqual({
      id: expect.any(String),
      email: 'ops@example.com',
      role: 'admin',
      scope: { domains: [], apiKeyIds: [] },
      isActive: true,
      lastLoginAt: null,
      createdAt: expect.any(Date),
    });
    expect(await storedHash('ops@example.com')).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$/);
    await expect(users.create({ email: 'OPS@example.com', password: PASSWORD })).rejects.toMatchObject({
      kind: 'validation',
      field: 'email',
      message: 'An admin user ops@example.com already exists.',
    });
    await expect(users.create({ email: 'new@example.com', password: 'short' })).rejects.toMatchObject({ field: 'password' });
    expect(await users.count()).toBe(1);
  });

  it('authenticates the right password only, and records the login', async () => {
    expect(await users.authenticate('ops@example.com', 'wrong password!')).toBeNull();
    expect(await users.authenticate('nobody@example.com', PASSWORD)).toBeNull();

    const user = await users.authenticate(' OPS@example.com ', PASSWORD);

    expect(user).toMatchObject({ email: 'ops@example.com', lastLoginAt: expect.any(Date) });
    expect((await users.list())[0].lastLoginAt).not.toBeNull();
  });

  it('replaces a hash made with older parameters at the next successful login', async () => {
    await db.dataSource.query('UPDATE admin_users SET password_hash = $1 WHERE email = $2', [legacyPasswordHash(PASSWORD), 'ops@example.com']);

    expect(await users.authenticate('ops@example.com', PASSWORD)).not.toBeNull();

    expect(await storedHash('ops@example.com')).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$/);
    expect(await users.authenticate('ops@example.com', PASSWORD)).not.toBeNull();
  });
});
