import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { AdminUserRoles1796590066260 } from '../../migrations/1796590066260-admin-user-roles.js';
import { migrations } from '../../migrations/index.js';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { runPendingMigrations } from '../../src/database/run-migrations.js';
import { runCli } from '../support/run-cli.js';
import { testEnv } from '../support/test-context.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
});

afterAll(async () => {
  await db?.drop();
});

describe('the admin user roles migration', () => {
  it('makes every user who existed before an active admin of every site, and a new user must be given a valid role', async () => {
    const earlier = migrations.filter((migration) => migration !== AdminUserRoles1796590066260);
    const before = new DataSource({ ...dataSourceOptions({ url: db.url }, 1), migrations: earlier });
    await before.initialize();
    try {
      await runPendingMigrations(before);
      await before.query(`INSERT INTO admin_users (email, password_hash) VALUES ('first@example.com', 'x'), ('second@example.com', 'y')`);
    } finally {
      await before.destroy();
    }

    const migrated = await runCli(['db', 'migrate', '--json'], { env: testEnv(db.url, 'http://127.0.0.1:9/client/v4', { DB_AUTO_MIGRATE: 'false' }) });
    expect(migrated.code).toBe(0);
    expect(JSON.parse(migrated.stdout)).toEqual({ applied: ['AdminUserRoles1796590066260'] });

    expect(await db.dataSource.query('SELECT email, role, scope_domains, scope_api_key_ids, is_active FROM admin_users ORDER BY email')).toEqual([
      { email: 'first@example.com', role: 'admin', scope_domains: [], scope_api_key_ids: [], is_active: true },
      { email: 'second@example.com', role: 'admin', scope_domains: [], scope_api_key_ids: [], is_active: true },
    ]);
    await expect(db.dataSource.query(`INSERT INTO admin_users (email, password_hash) VALUES ('third@example.com', 'z')`)).rejects.toThrow(/role/);
    await expect(db.dataSource.query(`INSERT INTO admin_users (email, password_hash, role) VALUES ('third@example.com', 'z', 'root')`)).rejects.toThrow(
      /admin_users_role/,
    );
  });
});
