import { Command, Option } from 'nest-commander';
import { parseReason } from '../../common/free-text.validation.js';
import { ValidationError } from '../../common/errors.js';
import { MaintenanceService } from '../../maintenance/maintenance.service.js';
import { ScheduledMaintenanceService } from '../../schedules/scheduled-maintenance.service.js';
import { SiteSelectionService } from '../../sites/site-selection.service.js';
import { SitesService } from '../../sites/sites.service.js';
import { cliActor } from '../actor.js';
import { BulkCommandRunner } from '../bulk-runner.js';
import { CliOutput } from '../cli-output.js';
import { EXIT_FAILED } from '../exit-codes.js';
import { BulkActionCommand, type BulkCommandOptions, isSingleSite, siteCriteria } from '../site-selector.options.js';
import { timedMaintenanceText, timedMaintenanceView } from '../window-view.js';

interface EnableOptions extends BulkCommandOptions {
  reason?: string;
  for?: string;
  until?: string;
  timezone?: string;
}

@Command({
  name: 'enable',
  arguments: '[domains...]',
  description:
    'put one site, several, or a selection (--all, --api-key, --in-maintenance, --active) into maintenance; ' +
    'with --for or --until, only for a set time (a window that starts now and that the scheduler ends)',
})
export class EnableCommand extends BulkActionCommand<EnableOptions> {
  constructor(
    private readonly sites: SitesService,
    private readonly maintenance: MaintenanceService,
    private readonly bulk: BulkCommandRunner,
    private readonly output: CliOutput,
    private readonly schedules: ScheduledMaintenanceService,
    private readonly selection: SiteSelectionService,
  ) {
    super();
  }

  async run(domains: string[], options: EnableOptions): Promise<void> {
    let reason: string | null;
    try {
      reason = parseReason(options.reason);
    } catch (error) {
      return this.output.fail(options, error);
    }
    if (options.for !== undefined || options.until !== undefined || options.timezone !== undefined) return this.runTimed(domains, options, reason);
    if (!isSingleSite(domains, options)) return this.bulk.run('enable', domains, options, reason);
    await this.output.run(
      options,
      async () => {
        const site = await this.sites.findByDomain(domains[0]);
        const result = await this.maintenance.enableMaintenance(site, reason, cliActor());
        return { domain: result.domain, outcome: result.outcome, message: result.message, ruleIds: result.log.ruleIds };
      },
      (result) => result.message,
    );
  }

  /** Every site in maintenance until the end, through a one-off window started now (ScheduledMaintenanceService.startTimed). */
  private async runTimed(domains: string[], options: EnableOptions, reason: string | null): Promise<void> {
    await this.output.run(
      options,
      async () => {
        if (options.dryRun) throw new ValidationError('--dry-run cannot be combined with --for or --until.');
        const selected = isSingleSite(domains, options) ? domains : (await this.selection.select(siteCriteria(domains, options))).map((site) => site.domain);
        const input = { domains: selected, reason, for: options.for, until: options.until, timezone: options.timezone };
        return timedMaintenanceView(await this.schedules.startTimed(input, cliActor()));
      },
      (view) => {
        if (view.sites.failed > 0) process.exitCode = EXIT_FAILED;
        return timedMaintenanceText(view);
      },
    );
  }

  @Option({ flags: '--for <length>', description: 'only for this long, e.g. 2h, 30m, 1h30m, 1d (at most 7 days)' })
  parseFor(value: string): string {
    return value;
  }

  @Option({ flags: '--until <time>', description: 'only until this time: ISO 8601 with an offset, or a local time with --timezone' })
  parseUntil(value: string): string {
    return value;
  }

  @Option({ flags: '--timezone <zone>', description: 'IANA zone --until is read in and the page shows the end in (default UTC)' })
  parseTimezone(value: string): string {
    return value;
  }

  @Option({ flags: '--reason <text>', description: 'why, for the audit log' })
  parseReason(value: string): string {
    return value;
  }
}
