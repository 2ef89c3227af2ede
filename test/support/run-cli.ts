import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The `maintenance` binary as package.json's `bin` names it: the bundle `npm run build` makes (scripts/bundle-cli.mjs). */
export const CLI_PATH = fileURLToPath(new URL('../../dist/cli/maintenance.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `maintenance` binary as a child process, as an operator would. Asynchronous on
 * purpose: the fake Cloudflare answering it lives in the test's own process.
 */
export function runCli(args: string[], options: { env: Record<string, string>; stdin?: string }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], {
      env: { PATH: process.env.PATH ?? '', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}
