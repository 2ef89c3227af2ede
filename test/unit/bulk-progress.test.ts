import { describe, expect, it } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { bulkProgress } from '../../src/cli/bulk-progress.js';

function stream(isTTY: boolean) {
  const out = Object.assign(new PassThrough(), { isTTY, columns: 120 }) as unknown as NodeJS.WriteStream & PassThrough;
  let written = '';
  out.on('data', (chunk) => (written += chunk));
  return { out, written: () => written };
}

const results = [
  { domain: 'a.com', outcome: 'done', message: 'a.com is in maintenance.' },
  { domain: 'b.com', outcome: 'failed', message: 'Enabling maintenance on b.com failed.' },
  { domain: 'c.com', outcome: 'skipped', message: 'c.com is already in maintenance; nothing changed.' },
] as const;

describe('bulk progress', () => {
  it('draws a bar with the running counts on a terminal', () => {
    const { out, written } = stream(true);
    const progress = bulkProgress(3, {}, out);
    for (const result of results) progress.onResult({ ...result });
    progress.stop();
    expect(written()).toContain('3/3 sites | 1 done, 1 skipped, 1 failed');
  });

  it('writes one plain line per site elsewhere', () => {
    const { out, written } = stream(false);
    const progress = bulkProgress(3, {}, out);
    for (const result of results) progress.onResult({ ...result });
    progress.stop();
    expect(written()).toBe(
      '[1/3] a.com done: a.com is in maintenance.\n' +
        '[2/3] b.com failed: Enabling maintenance on b.com failed.\n' +
        '[3/3] c.com skipped: c.com is already in maintenance; nothing changed.\n',
    );
  });

  it('writes nothing with --json', () => {
    const { out, written } = stream(true);
    const progress = bulkProgress(3, { json: true }, out);
    for (const result of results) progress.onResult({ ...result });
    progress.stop();
    expect(written()).toBe('');
  });
});
