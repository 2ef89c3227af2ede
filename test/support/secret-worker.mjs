// A child process for test/integration/generated-secret.test.ts: loads the configuration the way the server
// and the CLI do, on a DATA_DIR without APP_SECRET_KEY or SESSION_SECRET, and prints both secrets as JSON.
// Children cannot run TypeScript, so this imports the compiled modules (`npm run build` first).
// Usage: node secret-worker.mjs <dataDir> <start instant in ms>: waits until then, so that all start at once.
import { loadConfig } from '../../dist/src/config/load-config.js';
import { resolveSecretKey } from '../../dist/src/config/secret-key.js';
import { resolveSessionSecret } from '../../dist/src/config/session-secret.js';

const [dataDir, startAt] = process.argv.slice(2);
// Asleep until just before the start (24 spinning processes would starve the machine), then spinning:
// a timer's granularity would spread the starts.
const asleepMs = Number(startAt) - Date.now() - 10;
if (asleepMs > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, asleepMs);
while (Date.now() < Number(startAt));
try {
  const config = loadConfig({ DATA_DIR: dataDir });
  process.stdout.write(JSON.stringify({ secretKey: resolveSecretKey(config), sessionSecret: resolveSessionSecret(config) }));
} catch (error) {
  process.stdout.write(JSON.stringify({ error: error.message }));
}
