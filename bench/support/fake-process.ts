import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The fake Cloudflare running in a child process (fake-cloudflare.child.ts), and the commands it takes. */
export class FakeCloudflareProcess {
  private next = 0;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  private constructor(
    private readonly child: ChildProcess,
    readonly baseURL: string,
  ) {
    child.on('message', (message: { id?: number; result?: unknown; error?: string }) => {
      const waiting = message.id === undefined ? undefined : this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id!);
      if (message.error !== undefined) waiting.reject(new Error(message.error));
      else waiting.resolve(message.result);
    });
  }

  static async start(): Promise<FakeCloudflareProcess> {
    const child = fork(fileURLToPath(new URL('./fake-cloudflare.child.js', import.meta.url)), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const baseURL = await new Promise<string>((resolve, reject) => {
      child.once('message', (message: { ready?: string }) => (message.ready ? resolve(message.ready) : reject(new Error('the fake did not start'))));
      child.once('exit', (code) => reject(new Error(`the fake Cloudflare process exited with code ${code}`)));
    });
    return new FakeCloudflareProcess(child, baseURL);
  }

  addToken(token: string): Promise<void> {
    return this.call('addToken', token) as Promise<void>;
  }

  /** `count` zones named `<prefix>00000.com`, … */
  addZones(prefix: string, count: number): Promise<void> {
    return this.call('addZones', prefix, count) as Promise<void>;
  }

  setLatency(ms: number): Promise<void> {
    return this.call('setLatency', ms) as Promise<void>;
  }

  /** Requests the fake has answered so far. */
  requests(): Promise<number> {
    return this.call('requests') as Promise<number>;
  }

  violations(): Promise<string[]> {
    return this.call('violations') as Promise<string[]>;
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.disconnect();
    await exited;
  }

  private call(command: string, ...args: unknown[]): Promise<unknown> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, command, args });
    });
  }
}
