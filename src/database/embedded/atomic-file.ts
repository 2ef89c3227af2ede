import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';

const TEMP_SUFFIX = '.tmp';

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Temp files are named `<target>.<pid>.<random>.tmp` so that leftovers of killed processes can be recognised. */
async function writeTempFile(target: string, content: string): Promise<string> {
  const temp = `${target}.${process.pid}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`;
  const handle = await fs.open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return temp;
}

/**
 * Creates `target` with `content` unless it already exists (returns false then). Readers never see a
 * partly written file: the content is written to a temp file first and linked into place, and
 * `link` fails with EEXIST atomically.
 */
export async function createExclusive(target: string, content: string): Promise<boolean> {
  const temp = await writeTempFile(target, content);
  try {
    await fs.link(temp, target);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  } finally {
    await fs.rm(temp, { force: true });
  }
}

/** Replaces `target`'s content in one step (write temp + rename), so that it never disappears meanwhile. */
export async function replaceAtomically(target: string, content: string): Promise<void> {
  const temp = await writeTempFile(target, content);
  try {
    await fs.rename(temp, target);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}

export async function readIfExists(target: string): Promise<string | null> {
  try {
    return await fs.readFile(target, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return null;
    throw error;
  }
}
