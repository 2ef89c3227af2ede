import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { ChangeFeeds } from './change-feeds.js';
import { DatabaseHealth } from './database-health.js';
import type { EmbeddedRole } from './embedded/index.js';
import { openDatabase, type OpenDatabase } from './open-database.js';

const OPEN_DATABASE = Symbol('OPEN_DATABASE');

@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(OPEN_DATABASE) private readonly database: OpenDatabase) {}

  static forRoot(role: EmbeddedRole): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: OPEN_DATABASE,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => openDatabase(config, role),
        },
        {
          provide: DataSource,
          inject: [OPEN_DATABASE],
          useFactory: (database: OpenDatabase) => database.dataSource,
        },
        {
          provide: ChangeFeeds,
          inject: [OPEN_DATABASE],
          useFactory: (database: OpenDatabase) => new ChangeFeeds(database),
        },
        DatabaseHealth,
      ],
      exports: [DataSource, DatabaseHealth, ChangeFeeds],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.database.close();
  }
}
