import { resolve } from 'node:path';

const PROBLEMS: Record<string, string> = {
  EEXIST: 'it is a file, not a folder',
  ENOTDIR: 'part of its path is a file, not a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
};

/**
 * One line saying what is wrong with DATA_DIR and what to check, for a file-system error met while
 * using it; undefined for any other error.
 */
export function dataDirProblem(dataDir: string, error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const problem = code ? PROBLEMS[code] : undefined;
  if (!problem) return undefined;
  return `DATA_DIR ${resolve(dataDir)} cannot be used: ${problem} (${code}). Check DATA_DIR: it must be a folder this user can write.`;
}
