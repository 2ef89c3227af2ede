import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from './config.schema.js';

export const SECRET_KEY_FILE = 'secret.key';

/**
 * APP_SECRET_KEY when set. On the embedded default database a key is generated once into DATA_DIR
 * (mode 0600) so that `npm start` needs no setup; PostgreSQL requires the variable (config.schema.ts).
 */
export function resolveSecretKey(config: AppConfig): string {
  if (config.APP_SECRET_KEY) return config.APP_SECRET_KEY;
  mkdirSync(config.DATA_DIR, { recursive: true, mode: 0o700 });
  const path = join(config.DATA_DIR, SECRET_KEY_FILE);
  try {
    writeFileSync(path, randomBytes(32).toString('base64'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFileSync(path, 'utf8').trim();
}
