import { Injectable } from '@nestjs/common';
import { type BulkAction, BulkOperationsService, type BulkReport } from '../maintenance/bulk-operations.service.js';
import { SiteSelectionService } from '../sites/site-selection.service.js';
import { cliActor } from './actor.js';
import { bulkProgress } from './bulk-progress.js';
import { CliOutput, inline } from './cli-output.js';
import { EXIT_FAILED } from './exit-codes.js';
import { type BulkCommandOptions, siteCriteria } from './site-selector.options.js';

/** The shared body of the bulk commands: select, run with progress, print the report, set the exit code. */
@Injectable()
export class BulkCommandRunner {
  constructor(
    private readonly selection: SiteSelectionService,
    private readonly bulk: BulkOperationsService,
    private readonly output: CliOutput,
  ) {}

  async run(action: BulkAction, domains: string[], options: BulkCommandOptions, reason?: string | null): Promise<void> {
    let failed = 0;
    await this.output.run(
      options,
      async () => {
        const sites = await this.selection.select(siteCriteria(domains, options));
        const progress = bulkProgress(sites.length, options);
        try {
          const report = await this.bulk.run(action, sites, {
            actor: cliActor(),
            reason,
            concurrency: options.concurrency,
            dryRun: options.dryRun,
            onProgress: (result) => progress.onResult(result),
          });
          failed = report.counts.failed;
          return report;
        } finally {
          progress.stop();
        }
      },
      renderBulkReport,
    );
    if (failed > 0) process.exitCode = EXIT_FAILED;
  }
}

const ACTION_NAMES: Record<BulkAction, string> = { enable: 'Enable maintenance', disable: 'Disable maintenance', sync: 'Sync' };

export function renderBulkReport(report: BulkReport): string {
  const { total, done, skipped, failed } = report.counts;
  if (total === 0) return 'No site matched the selection; nothing to do.';
  const sites = `${total} site${total === 1 ? '' : 's'}`;
  if (report.dryRun) {
    return [
      ...report.results.map((result) => inline(result.message)),
      `Dry run of ${report.action} over ${sites}: ${done} would be done, ${skipped} skipped, ${failed} would fail. Nothing was changed.`,
    ].join('\n');
  }
  const summary = `${ACTION_NAMES[report.action]} over ${sites}: ${done} done, ${skipped} skipped, ${failed} failed.`;
  const failures = report.results.filter((result) => result.outcome === 'failed');
  if (failures.length === 0) return summary;
  return [summary, 'Failed:', ...failures.map((result) => `  ${result.domain}: ${inline(result.message)}`)].join('\n');
}
