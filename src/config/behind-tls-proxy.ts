import type { AppConfig } from './config.schema.js';

/** An https PUBLIC_URL: TLS ends at a proxy in front of this server, which speaks plain http itself. */
export function behindTlsProxy(config: Pick<AppConfig, 'PUBLIC_URL'>): boolean {
  return config.PUBLIC_URL?.startsWith('https:') ?? false;
}
