import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A Worker module's default export, as the Workers runtime calls it. */
export interface WorkerModule {
  fetch(request: Request): Promise<Response>;
}

let loaded = 0;

/**
 * The generated Worker run in Node, which has Request, Response and WebCrypto as the Workers runtime does:
 * the source written to a file of its own (a fresh module each time) and imported.
 */
export async function loadWorkerModule(source: string): Promise<WorkerModule> {
  const folder = mkdtempSync(join(tmpdir(), 'worker-module-'));
  try {
    const file = join(folder, `maintenance-${(loaded += 1)}.mjs`);
    writeFileSync(file, source);
    return ((await import(pathToFileURL(file).href)) as { default: WorkerModule }).default;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
