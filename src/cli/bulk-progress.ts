import cliProgress from 'cli-progress';
import type { BulkSiteResult } from '../maintenance/bulk-operations.service.js';
import { inline, type OutputOptions } from './cli-output.js';

export interface BulkProgress {
  onResult(result: BulkSiteResult): void;
  stop(): void;
}

/**
 * Progress of a bulk run, on stderr so that stdout holds only the result: a bar on a terminal, one
 * plain line per finished site otherwise (logs, CI), and nothing with --json.
 */
export function bulkProgress(total: number, options: OutputOptions, stream: NodeJS.WriteStream = process.stderr): BulkProgress {
  if (options.json || total === 0) return { onResult: () => undefined, stop: () => undefined };
  const counts = { done: 0, skipped: 0, failed: 0 };

  if (!stream.isTTY) {
    let finished = 0;
    const width = String(total).length;
    return {
      onResult(result) {
        finished += 1;
        stream.write(`[${String(finished).padStart(width)}/${total}] ${result.domain} ${result.outcome}: ${inline(result.message)}\n`);
      },
      stop: () => undefined,
    };
  }

  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: '{bar} {value}/{total} sites | {done} done, {skipped} skipped, {failed} failed | {eta_formatted} left',
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, counts);
  return {
    onResult(result) {
      counts[result.outcome] += 1;
      bar.increment(1, counts);
    },
    stop: () => bar.stop(),
  };
}
