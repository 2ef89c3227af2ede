export { APP_CONFIG, ConfigModule } from './config.module.js';
export { type AppConfig } from './config.schema.js';
export { ConfigError, loadConfig } from './load-config.js';
