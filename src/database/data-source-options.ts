import type { DataSourceOptions } from 'typeorm';
import { migrations } from '../../migrations/index.js';
import { AdminUser } from '../admin-users/admin-user.entity.js';
import { ApiToken } from '../api-tokens/api-token.entity.js';
import { CloudflareApiKey } from '../api-keys/cloudflare-api-key.entity.js';
import { MaintenanceLog } from '../logs/maintenance-log.entity.js';
import { ScheduledMaintenanceSite } from '../schedules/scheduled-maintenance-site.entity.js';
import { ScheduledMaintenance } from '../schedules/scheduled-maintenance.entity.js';
import { CloudflareSite } from '../sites/cloudflare-site.entity.js';

export const entities = [CloudflareApiKey, CloudflareSite, MaintenanceLog, ScheduledMaintenance, ScheduledMaintenanceSite, AdminUser, ApiToken];

export type DatabaseTarget =
  | { url: string }
  | { host: string; port: number; user: string; database: string };

export function dataSourceOptions(target: DatabaseTarget, poolSize = 10): DataSourceOptions {
  const connection =
    'url' in target
      ? { url: target.url }
      : { host: target.host, port: target.port, username: target.user, database: target.database };
  return {
    type: 'postgres',
    ...connection,
    entities,
    migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    // TypeORM would run CREATE EXTENSION "uuid-ossp" at every start; our migrations use the built-in gen_random_uuid().
    installExtensions: false,
    // Failures surface as exceptions; TypeORM's own logger would print to stdout and break --json.
    logging: false,
    extra: { max: poolSize },
  };
}
