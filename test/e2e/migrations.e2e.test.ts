import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { migrations } from '../../migrations/index.js';
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

describe('migrations', () => {
  it('are left alone with DB_AUTO_MIGRATE=false and applied by `db migrate`', async () => {
    const manual = testEnv(db.url, 'http://127.0.0.1:9/client/v4', { DB_AUTO_MIGRATE: 'false' });

    const before = await runCli(['list'], { env: manual });
    expect(before.code).toBe(1);
    expect(before.stderr).toMatch(/relation "cloudflare_sites" does not exist/);

    const migrated = await runCli(['db', 'migrate', '--json'], { env: manual });
    expect(migrated.code).toBe(0);
    expect(JSON.parse(migrated.stdout)).toEqual({ applied: migrations.map((migration) => new migration().name) });
    expect(migrations.length).toBeGreaterThanOrEqual(2);
    expect((await runCli(['list'], { env: manual })).code).toBe(0);

    const tables: { count: string }[] = await db.dataSource.query(
      `SELECT count(*) FROM information_schema.tables WHERE table_name IN ('cloudflare_sites', 'cloudflare_api_keys', 'maintenance_logs')`,
    );
    expect(Number(tables[0].count)).toBe(3);
  });
});
