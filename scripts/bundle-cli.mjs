// Bundles the CLI that tsc built (dist/src/cli.js) into dist/cli/maintenance.js, the `maintenance` binary.
// Bundling tsc's output keeps the decorator metadata that tsc emitted, and spares every command the
// resolution of thousands of files in node_modules (docs/cli-startup.md).
import { chmod, rm, writeFile } from 'node:fs/promises';
import { createRequire, isBuiltin } from 'node:module';
import { build } from 'esbuild';

const OUT_DIR = 'dist/cli';

/** Loaded from node_modules at run time, never bundled. */
const external = [
  // PGlite reads its WebAssembly and data files next to its own module.
  '@electric-sql/pglite',
  '@electric-sql/pglite-socket',
  // Optional packages Nest imports only for features we do not use; they are not installed.
  '@nestjs/microservices',
  '@nestjs/microservices/*',
  '@nestjs/websockets',
  '@nestjs/websockets/*',
  'class-transformer',
  'class-validator',
  // Reached only through nest-commander's plugin loader and shell-completion generator, which the CLI
  // does not use; bundled, they would add 10 MB to read at every start.
  'typescript',
  'prettier',
];

/**
 * Built-in modules are required, not imported: importing one from ESM builds its ESM facade, which
 * reads every export, and node:http's lazy exports then load undici (about 40 ms) for nothing.
 */
const builtinsAsRequire = {
  name: 'builtins-as-require',
  setup(bundler) {
    bundler.onResolve({ filter: /^[a-z:_/0-9]+$/ }, (args) => {
      if (!isBuiltin(args.path)) return undefined;
      return args.namespace === 'builtin' ? { path: args.path, external: true } : { path: args.path, namespace: 'builtin' };
    });
    bundler.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/**
 * nest-commander requires inquirer (for question sets) and cosmiconfig (for plugins) as it loads, and no
 * command of ours uses either; with their dependencies (iconv-lite, lodash, js-yaml…) they are a good share
 * of what a command would load. Each becomes a stand-in that loads the real package, still bundled, on
 * first use, with the exports nest-commander calls.
 */
const DEFERRED = { inquirer: ['prompt'], cosmiconfig: ['cosmiconfig'] };
const fromNestCommander = createRequire(createRequire(import.meta.url).resolve('nest-commander'));

const deferredPackages = {
  name: 'deferred-packages',
  setup(bundler) {
    const names = Object.keys(DEFERRED).join('|');
    bundler.onResolve({ filter: new RegExp(`^(${names})$`) }, (args) =>
      args.importer.includes('/node_modules/nest-commander/') ? { path: args.path, namespace: 'deferred' } : undefined,
    );
    bundler.onLoad({ filter: /.*/, namespace: 'deferred' }, (args) => {
      const real = JSON.stringify(fromNestCommander.resolve(args.path));
      const exports = DEFERRED[args.path].map((name) => `exports.${name} = (...args) => load().${name}(...args);`);
      return { contents: [`let real;`, `const load = () => (real ??= require(${real}));`, ...exports].join('\n'), loader: 'js', resolveDir: '.' };
    });
  },
};

await rm(OUT_DIR, { recursive: true, force: true });
const { metafile } = await build({
  entryPoints: { maintenance: 'dist/src/cli.js' },
  outdir: OUT_DIR,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  // Code loaded only when needed (the Cloudflare SDK, PGlite, the app after the compile cache is on)
  // goes into chunks of its own, behind dynamic imports.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  external,
  plugins: [builtinsAsRequire, deferredPackages],
  // The CommonJS packages in the bundle (TypeORM, pg) expect require, __filename and __dirname.
  banner: {
    js: [
      "import { createRequire as __createRequire } from 'node:module';",
      'const require = __createRequire(import.meta.url);',
      'const __filename = import.meta.filename;',
      'const __dirname = import.meta.dirname;',
    ].join(' '),
  },
  // Less to read and hash at every start. Names are kept: Nest and TypeORM read class names.
  minifyWhitespace: true,
  minifySyntax: true,
  // Which package went into which chunk: test/unit/cli-bundle.test.ts checks what loads at start-up.
  metafile: true,
  logLevel: 'warning',
});
await writeFile(`${OUT_DIR}/meta.json`, JSON.stringify(metafile));
await chmod(`${OUT_DIR}/maintenance.js`, 0o755);
