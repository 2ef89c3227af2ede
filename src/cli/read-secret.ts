import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

/**
 * Reads a secret from standard input, never from argv (where it would land in shell history and `ps`).
 * On a terminal it prompts without echoing; otherwise it reads everything piped in.
 */
export async function readSecret(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin as AsyncIterable<string | Buffer>) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks).toString('utf8');
  }
  process.stderr.write(prompt);
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  const reader = createInterface({ input: process.stdin, output: muted, terminal: true });
  try {
    return await new Promise<string>((resolve) => reader.once('line', resolve));
  } finally {
    reader.close();
    process.stderr.write('\n');
  }
}
