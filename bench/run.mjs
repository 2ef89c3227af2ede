// Runs a compiled benchmark: `node bench/run.mjs <name> [options]` runs dist/bench/bench/<name>.bench.js.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const [name, ...args] = process.argv.slice(2);
if (!name) {
  process.stderr.write('usage: node bench/run.mjs <name> [options]   (runs bench/<name>.bench.ts, built by npm run bench:build)\n');
  process.exit(2);
}
process.argv = [process.argv[0], name, ...args];
await import(pathToFileURL(join(root, 'dist', 'bench', 'bench', `${name}.bench.js`)).href);
