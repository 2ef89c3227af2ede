import { FakeCloudflare } from '../../test/support/fake-cloudflare/index.js';

/**
 * The fake Cloudflare in a process of its own, driven over IPC by bench/support/fake-process.ts, so that a
 * benchmark's memory and CPU figures are the client's alone, as they would be against the real Cloudflare.
 */
const fake = await FakeCloudflare.start();

const commands: Record<string, (...args: never[]) => unknown> = {
  addToken: (token: string) => fake.addToken({ token }),
  addZones: (prefix: string, count: number) => {
    for (let index = 0; index < count; index += 1) {
      fake.addZone({ name: `${prefix}${String(index).padStart(5, '0')}.com`, plan: index % 7 === 0 ? 'business' : 'free' });
    }
  },
  setLatency: (ms: number) => fake.setLatency(ms),
  requests: () => fake.exchanges.length,
  violations: () => fake.violations(),
};

process.on('message', (message: { id: number; command: string; args: never[] }) => {
  try {
    process.send!({ id: message.id, result: commands[message.command](...message.args) ?? null });
  } catch (error) {
    process.send!({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
process.on('disconnect', () => void fake.stop().then(() => process.exit(0)));
process.send!({ ready: fake.baseURL });
