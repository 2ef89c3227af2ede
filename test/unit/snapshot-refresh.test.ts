import { describe, expect, it } from '@jest/globals';
import type { LoggerService } from '@nestjs/common';
import { SnapshotRefresh } from '../../src/maintenance-page/snapshot-refresh.js';

class RecordingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(message: string) {
    this.lines.push(`log: ${message}`);
  }
  warn(message: string) {
    this.lines.push(`warn: ${message}`);
  }
  error(message: string) {
    this.lines.push(`error: ${message}`);
  }
}

/** A load that waits until the test lets it finish, succeeding or failing. */
function controlledLoad() {
  const calls: { finish(error?: Error): void }[] = [];
  const load = () =>
    new Promise<void>((resolve, reject) => {
      calls.push({ finish: (error) => (error ? reject(error) : resolve()) });
    });
  return { load, calls };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('SnapshotRefresh', () => {
  it('folds the requests made while a load runs into one more load after it', async () => {
    const { load, calls } = controlledLoad();
    const refresh = new SnapshotRefresh(load, new RecordingLogger());

    refresh.request();
    for (let again = 0; again < 5; again += 1) refresh.request();
    expect(calls).toHaveLength(1);
    const pending = refresh.pending();
    expect(pending).toBeDefined();

    calls[0].finish();
    await settle();
    expect(calls).toHaveLength(2);
    calls[1].finish();
    await pending;
    expect(calls).toHaveLength(2);
    expect(refresh.pending()).toBeUndefined();
    refresh.stop();
  });

  it('logs a failing load once until one succeeds, and makes nobody wait meanwhile', async () => {
    const { load, calls } = controlledLoad();
    const logger = new RecordingLogger();
    const refresh = new SnapshotRefresh(load, logger);

    refresh.request();
    calls[0].finish(new Error('connection refused'));
    await settle();
    expect(refresh.pending()).toBeUndefined();
    refresh.request();
    expect(refresh.pending()).toBeUndefined();
    calls[1].finish(new Error('connection refused'));
    await settle();
    expect(logger.lines).toEqual([
      'warn: Showing the maintenance pages last loaded: the site lookup failed (Error: connection refused); retrying',
    ]);

    refresh.request();
    calls[2].finish();
    await settle();
    expect(logger.lines).toHaveLength(2);
    expect(logger.lines[1]).toBe('log: The maintenance pages are loaded from the database again');
    refresh.stop();
  });

  it('loads nothing once stopped', () => {
    const { load, calls } = controlledLoad();
    const refresh = new SnapshotRefresh(load, new RecordingLogger());
    refresh.stop();

    refresh.request();

    expect(calls).toEqual([]);
    expect(refresh.pending()).toBeUndefined();
  });
});
