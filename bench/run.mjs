// Runs a compiled benchmark: `node bench/run.mjs <name> [options]` runs dist/bench/<repo>/bench/<name>.bench.js.
// bench/tsconfig.json compiles from the folder above the repository (see there), so the repository's own
// folder name is part of the output path; this finds it whatever the checkout is called.
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const [name, ...args] = process.argv.slice(2);
if (!name) {
  process.stderr.write('usage: node bench/run.mjs <name> [options]   (runs bench/<name>.bench.ts, built by npm run bench:build)\n');
  process.exit(2);
}
process.argv = [process.argv[0], name, ...args];
await import(pathToFileURL(join(root, 'dist', 'bench', basename(root), 'bench', `${name}.bench.js`)).href);
