import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const WORKER = join(here, 'embedded-worker.mjs');
const COMPILED = join(here, '../../dist/src/database/embedded/index.js');

export interface WorkerEvent {
  event: string;
  pid: number;
  [key: string]: unknown;
}

export interface Worker {
  child: ChildProcess;
  events: WorkerEvent[];
  /** Resolves with the first event of that name; rejects if the worker exits first. */
  waitFor(event: string): Promise<WorkerEvent>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** Runs test/support/embedded-worker.mjs (which imports the compiled module: `npm run build` first). */
export function startWorker(config: Record<string, unknown>): Worker {
  if (!existsSync(COMPILED)) throw new Error(`${COMPILED} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [WORKER, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const events: WorkerEvent[] = [];
  const waiters: { event: string; resolve: (e: WorkerEvent) => void; reject: (e: Error) => void }[] = [];
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    let newline: number;
    while ((newline = stdout.indexOf('\n')) >= 0) {
      const line = stdout.slice(0, newline);
      stdout = stdout.slice(newline + 1);
      const parsed = JSON.parse(line) as WorkerEvent;
      events.push(parsed);
      for (const waiter of waiters.filter((w) => w.event === parsed.event)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(parsed);
      }
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => resolve({ code, signal, stderr })),
  );
  let hasExited = false;
  void exited.then(({ code, signal }) => {
    hasExited = true;
    for (const waiter of waiters.splice(0)) {
      const last = events.at(-1);
      waiter.reject(new Error(`worker ${child.pid} exited (${code ?? signal}) before "${waiter.event}": ${JSON.stringify(last)} ${stderr}`));
    }
  });
  return {
    child,
    events,
    exited,
    waitFor(event) {
      const seen = events.find((e) => e.event === event);
      if (seen) return Promise.resolve(seen);
      if (hasExited) return Promise.reject(new Error(`worker ${child.pid} has exited before "${event}": ${stderr}`));
      return new Promise((resolve, reject) => waiters.push({ event, resolve, reject }));
    },
  };
}

/** Waits for the worker's final event (its last line) and its exit. */
export async function finish(worker: Worker): Promise<WorkerEvent> {
  const { code, signal, stderr } = await worker.exited;
  const last = worker.events.at(-1);
  if (code !== 0 || !last) throw new Error(`worker ${worker.child.pid} failed (${code ?? signal}): ${JSON.stringify(last)} ${stderr}`);
  return last;
}
