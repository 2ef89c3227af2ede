import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/load-config.js';
import { resolveSecretKey, SECRET_KEY_FILE } from '../../src/config/secret-key.js';
import { resolveSessionSecret, SESSION_SECRET_FILE } from '../../src/config/session-secret.js';

const WORKER = fileURLToPath(new URL('../support/secret-worker.mjs', import.meta.url));
const PROCESSES = 24;
const ROUNDS = 5;

type WorkerResult = { secretKey?: string; sessionSecret?: string; error?: string };

function worker(dataDir: string, startAt: number): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, dataDir, String(startAt)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', () => resolve(JSON.parse(stdout) as WorkerResult));
  });
}

function withDataDir(run: (dataDir: string) => Promise<void> | void) {
  return async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'generated-secret-'));
    try {
      await run(dataDir);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
}

describe('secrets generated into DATA_DIR', () => {
  it(`${PROCESSES} processes starting at once on a fresh folder all read the same full secrets (${ROUNDS} rounds)`, async () => {
    const roots = Array.from({ length: ROUNDS }, () => mkdtempSync(join(tmpdir(), 'generated-secret-race-')));
    try {
      for (const root of roots) {
        const dataDir = join(root, 'data');
        // Late enough for every process to have loaded Node and the modules first, on a busy machine too.
        const startAt = Date.now() + 3000;
        const results = await Promise.all(Array.from({ length: PROCESSES }, () => worker(dataDir, startAt)));
        expect(results.filter((result) => result.error)).toEqual([]);
        const keys = new Set(results.map((result) => result.secretKey));
        const sessions = new Set(results.map((result) => result.sessionSecret));
        expect([keys.size, sessions.size]).toEqual([1, 1]);
        expect([...keys][0]!.length).toBeGreaterThanOrEqual(32);
        expect([...sessions][0]!.length).toBeGreaterThanOrEqual(32);
        // No temp file is left behind.
        expect(readdirSync(dataDir).sort()).toEqual([SECRET_KEY_FILE, SESSION_SECRET_FILE].sort());
      }
    } finally {
      for (const root of roots) rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);

  it(
    'refuses a pre-made empty or short secret.key or session.secret, naming the file',
    withDataDir((dataDir) => {
      const config = loadConfig({ DATA_DIR: dataDir });
      writeFileSync(join(dataDir, SECRET_KEY_FILE), '');
      writeFileSync(join(dataDir, SESSION_SECRET_FILE), 'short\n');
      expect(() => resolveSecretKey(config)).toThrow(
        `The secret in ${join(dataDir, SECRET_KEY_FILE)} is empty; at least 32 are required. Delete the file to have a new one ` +
          'generated at the next start (API tokens stored under the old key must then be added again), or put a secret of your own in it.',
      );
      expect(() => resolveSessionSecret(config)).toThrow(`The secret in ${join(dataDir, SESSION_SECRET_FILE)} is only 5 characters long`);
    }),
  );
});
