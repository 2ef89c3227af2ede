import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';

/**
 * The `maintenance` binary is a bundle (scripts/bundle-cli.mjs, run by `npm run build`); esbuild's
 * metafile says which package went into which chunk and how the chunks import each other.
 */
interface Metafile {
  outputs: Record<string, { inputs: Record<string, unknown>; imports: { path: string; kind: string; external?: boolean }[] }>;
}

const root = new URL('../../', import.meta.url);
const meta = JSON.parse(readFileSync(new URL('dist/cli/meta.json', root), 'utf8')) as Metafile;
const ENTRY = 'dist/cli/maintenance.js';

/** The chunks every command loads: the entry, the app it imports once the compile cache is on, and their static imports. */
function startupChunks(): Set<string> {
  const loaded = new Set<string>();
  const visit = (output: string) => {
    if (loaded.has(output)) return;
    loaded.add(output);
    for (const edge of meta.outputs[output].imports) {
      if (edge.external) continue;
      if (edge.kind === 'import-statement' || output === ENTRY) visit(edge.path);
    }
  };
  visit(ENTRY);
  return loaded;
}

function chunksHolding(pattern: RegExp, chunks: Iterable<string>): string[] {
  return [...chunks].filter((output) => Object.keys(meta.outputs[output].inputs).some((input) => pattern.test(input)));
}

describe('the CLI bundle', () => {
  it('is what package.json names as the maintenance binary', () => {
    const { bin } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { bin: { maintenance: string } };
    expect(bin.maintenance).toBe(ENTRY);
    expect(meta.outputs[ENTRY]).toBeDefined();
  });

  it('loads the Cloudflare SDK only when a command calls Cloudflare', () => {
    const sdk = /^node_modules\/cloudflare\//;
    expect(chunksHolding(sdk, Object.keys(meta.outputs))).toHaveLength(1);
    expect(chunksHolding(sdk, startupChunks())).toEqual([]);
  });

  it('loads PGlite only in a process that opens the embedded database itself', () => {
    const host = /^dist\/src\/database\/embedded\/pglite-host\.js$/;
    expect(chunksHolding(host, Object.keys(meta.outputs))).toHaveLength(1);
    expect(chunksHolding(host, startupChunks())).toEqual([]);
  });

  it('starts with the app, TypeORM and pg bundled, and holds neither AdminJS nor the scheduler', () => {
    const startup = startupChunks();
    expect(chunksHolding(/^dist\/src\/cli\/cli-app\.js$/, startup)).toHaveLength(1);
    expect(chunksHolding(/^node_modules\/typeorm\//, startup)).toHaveLength(1);
    expect(chunksHolding(/^node_modules\/pg\//, startup)).toHaveLength(1);
    expect(chunksHolding(/^(node_modules\/(adminjs|@adminjs|@nestjs\/schedule)\/|dist\/src\/admin\/)/, Object.keys(meta.outputs))).toEqual([]);
  });
});
