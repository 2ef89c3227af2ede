import type { AppConfig } from './config.schema.js';
import { generatedSecret } from './generated-secret.js';

export const SECRET_KEY_FILE = 'secret.key';

/**
 * APP_SECRET_KEY when set. On the embedded default database a key is generated once into DATA_DIR
 * so that `npm start` needs no setup; PostgreSQL requires the variable (config.schema.ts).
 */
export function resolveSecretKey(config: AppConfig): string {
  return config.APP_SECRET_KEY ?? generatedSecret(config.DATA_DIR, SECRET_KEY_FILE, 'API tokens stored under the old key must then be added again');
}
