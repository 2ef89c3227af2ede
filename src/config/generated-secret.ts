import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MIN_SECRET_LENGTH } from './config.schema.js';
import { dataDirProblem } from './data-dir.js';
import { ConfigError } from './load-config.js';

/**
 * A random secret generated once into a file of DATA_DIR (mode 0600) and read back ever after, so that the
 * embedded default database needs no setup. Many processes may start at once on a fresh folder: the secret
 * is written in full to a temp file first and then linked into place, which fails with EEXIST for all but
 * the first, so no process ever reads a file that is still empty. A file that is too short anyway (made by
 * hand, or by an older version) is refused rather than used.
 */
export function generatedSecret(dataDir: string, fileName: string, lostWithIt?: string): string {
  const path = join(dataDir, fileName);
  let secret: string;
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (!existsSync(path)) createOnce(path, randomBytes(32).toString('base64'));
    secret = readFileSync(path, 'utf8').trim();
  } catch (error) {
    const problem = dataDirProblem(dataDir, error);
    throw problem ? new ConfigError(problem) : error;
  }
  const length = [...secret].length;
  if (length < MIN_SECRET_LENGTH) {
    throw new ConfigError(
      `The secret in ${resolve(path)} is ${length ? `only ${length} characters long` : 'empty'}; at least ${MIN_SECRET_LENGTH} are required. ` +
        'Delete the file to have a new one generated at the next start' +
        (lostWithIt ? ` (${lostWithIt})` : '') +
        ', or put a secret of your own in it.',
    );
  }
  return secret;
}

function createOnce(path: string, content: string): void {
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = openSync(temp, 'wx', 0o600);
  try {
    writeSync(handle, content);
    fsyncSync(handle);
  } finally {
    closeSync(handle);
  }
  try {
    linkSync(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(temp, { force: true });
  }
}
