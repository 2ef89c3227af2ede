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

  it('keeps one active admin of every site, even when two admins demote each other at the same time', async () => {
    const other = await users.create({ email: 'second-admin@example.com', password: PASSWORD, role: 'admin' });
    const first = (await users.list()).find((user) => user.email === 'ops@example.com')!;

    const results = await Promise.allSettled([users.update(first.id, { role: 'viewer' }), users.update(other.id, { role: 'operator' })]);

    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((result) => result.status === 'rejected')!;
    expect(refused.reason).toMatchObject({ kind: 'conflict', message: expect.stringMatching(/is the last active admin of every site/) });
    const admins = await db.dataSource.query(`SELECT email FROM admin_users WHERE role = 'admin' AND is_active`);
    expect(admins).toHaveLength(1);
    // Restricting or deactivating the last one is refused too; the other, now no admin, can be deactivated.
    const [{ email }] = admins;
    const last = (await users.list()).find((user) => user.email === email)!;
    await expect(users.update(last.id, { scope: { domains: ['shop.com'], apiKeyIds: [] } })).rejects.toMatchObject({ kind: 'conflict' });
    await expect(users.update(last.id, { active: false })).rejects.toMatchObject({ kind: 'conflict' });
    const demoted = last.id === first.id ? other : first;
    expect((await users.update(demoted.id, { active: false })).changed).toEqual(['active']);
    expect(await users.authenticate(demoted.email, PASSWORD)).toBeNull();
    expect(await users.sessionUser(demoted.id)).toBeNull();
  });

  it('refuses an unknown role and a malformed scope, and makes the first user an admin of every site', async () => {
    await expect(users.create({ email: 'x@example.com', password: PASSWORD, role: 'superuser' })).rejects.toMatchObject({ field: 'role' });
    await expect(users.create({ email: 'x@example.com', password: PASSWORD, role: 'viewer', scope: { domains: ['not a domain'], apiKeyIds: [] } })).rejects.toMatchObject({
      field: 'scopeDomains',
    });
    await expect(users.create({ email: 'x@example.com', password: PASSWORD, role: 'viewer', scope: { domains: [], apiKeyIds: ['key-1'] } })).rejects.toMatchObject({
      field: 'scopeApiKeyIds',
    });
    const empty = await createTestDatabase();
    try {
      await expect(new AdminUsersService(empty.dataSource).create({ email: 'first@example.com', password: PASSWORD, role: 'operator' })).rejects.toMatchObject({
        field: 'role',
        message: expect.stringMatching(/^The first user must be an admin of every site/),
      });
    } finally {
      await empty.drop();
    }
  });
});
