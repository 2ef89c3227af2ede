import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './src/database/data-source-options.js';

/**
 * For the TypeORM CLI against PostgreSQL (e.g. `npx typeorm migration:show -d dist/ormconfig.js`).
 * The embedded database is migrated by the app itself, or explicitly with `maintenance db migrate`.
 */
const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL must be set for the TypeORM CLI (use `maintenance db migrate` for the embedded database).');

export default new DataSource(dataSourceOptions({ url }));
