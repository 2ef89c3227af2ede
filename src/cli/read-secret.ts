import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { ValidationError } from '../common/errors.js';

/**
 * Reads a secret from standard input, never from argv (where it would land in shell history and `ps`).
 * On a terminal it prompts without echoing; otherwise it reads one line piped in: its one final line break
 * is dropped, and a line break before it is refused (`printf 'pw\npw\n'` would otherwise store "pw\npw").
 */
export async function readSecret(prompt: string, field: string): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin as AsyncIterable<string | Buffer>) chunks.push(Buffer.from(chunk));
    return oneLine(Buffer.concat(chunks).toString('utf8'), field);
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

function oneLine(piped: string, field: string): string {
  const line = piped.replace(/\r?\n$/, '');
  if (/[\r\n]/.test(line)) {
    const lines = line.split(/\r?\n|\r/).length;
    throw new ValidationError(
      `Standard input holds ${lines} lines, but exactly one line is read: the ${field}, optionally followed by one line break. ` +
        'Nothing was saved.',
      { field },
    );
  }
  return line;
}
