import type { AppConfig } from './config.schema.js';
import { generatedSecret } from './generated-secret.js';
import { ConfigError } from './load-config.js';

export const SESSION_SECRET_FILE = 'session.secret';

/**
 * SESSION_SECRET when set, else (embedded database only) one generated into DATA_DIR. Asked for by the
 * server alone: the CLI has no sessions, so it does not need the variable.
 */
export function resolveSessionSecret(config: AppConfig): string {
  if (config.SESSION_SECRET) return config.SESSION_SECRET;
  if (config.DATABASE_URL) {
    throw new ConfigError(
      'Invalid configuration in the environment:\n  SESSION_SECRET: is required when DATABASE_URL is set (it signs the admin panel\'s session cookies)',
    );
  }
  return generatedSecret(config.DATA_DIR, SESSION_SECRET_FILE);
}
