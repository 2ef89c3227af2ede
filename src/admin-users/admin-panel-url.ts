import type { AppConfig } from '../config/config.schema.js';

export const ADMIN_ROOT_PATH = '/admin';

/** Where operators find the panel: under PUBLIC_URL when set, else on this machine's port. */
export function adminPanelUrl(config: Pick<AppConfig, 'PUBLIC_URL' | 'PORT'>): string {
  const base = config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;
  return `${base.replace(/\/+$/, '')}${ADMIN_ROOT_PATH}`;
}
