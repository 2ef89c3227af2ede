import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { migrations } from '../../migrations/index.js';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { runPendingMigrations } from '../../src/database/run-migrations.js';
import { countQueries } from '../support/query-counter.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
const opened: DataSource[] = [];

beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
});

afterAll(async () => {
  await Promise.all(opened.map((dataSource) => dataSource.destroy()));
  await db?.drop();
});

/** A data source on the test database that knows only `known` of the migrations, as an older build would. */
async function build(known: typeof migrations): Promise<DataSource> {
  const dataSource = new DataSource({ ...dataSourceOptions({ url: db.url }, 2), migrations: known });
  opened.push(await dataSource.initialize());
  return dataSource;
}

const nameOf = (migration: (typeof migrations)[number]) => new migration().name;

describe('runPendingMigrations', () => {
  it('applies what a build adds, and on an up-to-date database costs one query', async () => {
    expect(migrations.length).toBeGreaterThanOrEqual(2);
    const older = migrations.slice(0, -1);

    expect(await runPendingMigrations(await build(older))).toEqual(older.map(nameOf));

    const current = await build(migrations);
    expect(await runPendingMigrations(current)).toEqual([nameOf(migrations.at(-1)!)]);

    const queries = countQueries(current);
    expect(await runPendingMigrations(current)).toEqual([]);
    expect(queries.count).toBe(1);
  });
});
