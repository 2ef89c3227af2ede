import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const MAIN_PATH = fileURLToPath(new URL('../../dist/src/main.js', import.meta.url));

export interface RunningServer {
  url: string;
  process: ChildProcess;
  output(): string;
  /** SIGTERM, then the way it ended: Nest re-raises the signal after its shutdown hooks ran. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/**
 * Starts the built server as a child process and waits until /health answers. `mainPath`: for code
 * compiled elsewhere than dist/ (the benchmarks), where this file's own location does not lead to it.
 */
export async function startServer(env: Record<string, string>, timeoutMs = 30_000, mainPath = MAIN_PATH): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [mainPath], {
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The server exited with ${child.exitCode}:\n${output}`);
    const healthy = await fetch(`${url}/health`).then((response) => response.ok, () => false);
    if (healthy) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The server did not become healthy within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      return { code: child.exitCode, signal: child.signalCode };
    },
  };
}
