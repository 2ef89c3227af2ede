import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../src/config/load-config.js';

describe('loadConfig', () => {
  it('applies defaults on an empty environment (embedded database)', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      CLOUDFLARE_API_BASE_URL: 'https://api.cloudflare.com/client/v4',
      PORT: 3000,
      DATA_DIR: './data',
      DB_AUTO_MIGRATE: true,
    });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('names each missing or malformed variable', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db/x' })).toThrow(/APP_SECRET_KEY: is required when DATABASE_URL is set/);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT:/);
    expect(() => loadConfig({ PUBLIC_URL: 'ftp://x.example' })).toThrow(/PUBLIC_URL: must be an http/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://db/x', APP_SECRET_KEY: 'x'.repeat(32) })).toThrow(/DATABASE_URL: must be a postgres/);
    expect(() => loadConfig({ APP_SECRET_KEY: 'short' })).toThrow(/APP_SECRET_KEY: must be at least 32 characters/);
    expect(() => loadConfig({ DB_AUTO_MIGRATE: 'maybe' })).toThrow(/DB_AUTO_MIGRATE/);
  });
});
