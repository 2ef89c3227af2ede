import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.js';
import { resolveSessionSecret, SESSION_SECRET_FILE } from '../../src/config/session-secret.js';

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
    expect(() => loadConfig({ SESSION_SECRET: 'short' })).toThrow(/SESSION_SECRET: must be at least 32 characters/);
  });

  it('refuses credentials in CLOUDFLARE_API_BASE_URL and PUBLIC_URL, and "$" with a digit in PUBLIC_URL, without echoing them', () => {
    const refusal = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    const withCredentials = refusal({ CLOUDFLARE_API_BASE_URL: 'http://u:Secret-PW@127.0.0.1:9/client/v4' });
    expect(withCredentials).toMatch(/CLOUDFLARE_API_BASE_URL: must not contain credentials/);
    expect(withCredentials).not.toContain('Secret-PW');
    expect(refusal({ PUBLIC_URL: 'https://ops:pw@maintenance.example.com' })).toMatch(/PUBLIC_URL: must not contain credentials/);
    expect(refusal({ PUBLIC_URL: 'https://maintenance.example.com/$1' })).toMatch(/PUBLIC_URL: must not contain "\$" followed by a digit/);
    expect(loadConfig({ PUBLIC_URL: 'https://maintenance.example.com/%241' }).PUBLIC_URL).toBe('https://maintenance.example.com/%241');
  });
});

describe('resolveSessionSecret', () => {
  const postgres = { DATABASE_URL: 'postgres://db/x', APP_SECRET_KEY: 'k'.repeat(32) };

  it('takes SESSION_SECRET, and with DATABASE_URL requires it (the CLI does not ask for it)', () => {
    expect(resolveSessionSecret(loadConfig({ ...postgres, SESSION_SECRET: 's'.repeat(32) }))).toBe('s'.repeat(32));
    expect(() => resolveSessionSecret(loadConfig(postgres))).toThrow(/SESSION_SECRET: is required when DATABASE_URL is set/);
  });

  it('on the embedded database, generates one into DATA_DIR once (mode 0600) and keeps it', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'session-secret-'));
    try {
      const first = resolveSessionSecret(loadConfig({ DATA_DIR: dataDir }));
      expect(first.length).toBeGreaterThanOrEqual(32);
      expect(resolveSessionSecret(loadConfig({ DATA_DIR: dataDir }))).toBe(first);
      const file = join(dataDir, SESSION_SECRET_FILE);
      expect(readFileSync(file, 'utf8')).toBe(first);
      expect(statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
