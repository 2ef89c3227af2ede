import { Command, Option } from 'nest-commander';
import { WebhookNotifier } from '../../notifications/webhook.notifier.js';
import { type ProcessReport, type WindowRun, ScheduledMaintenanceService } from '../../schedules/scheduled-maintenance.service.js';
import { CliOutput, type OutputOptions, when } from '../cli-output.js';
import { OutputCommand } from '../json-option.js';
import { hours } from './schedule-list.command.js';

interface ProcessOptions extends OutputOptions {
  dryRun?: boolean;
  upcoming?: string;
}

@Command({
  name: 'process-scheduled',
  description: 'one pass over the schedule: start and end due windows (for driving it from system cron)',
})
export class ProcessScheduledCommand extends OutputCommand<ProcessOptions> {
  constructor(
    private readonly schedules: ScheduledMaintenanceService,
    private readonly notifier: WebhookNotifier,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run(_params: string[], options: ProcessOptions): Promise<void> {
    await this.output.run(
      options,
      async () => {
        const upcomingHours = options.upcoming === undefined ? undefined : hours(options.upcoming);
        const report = await this.schedules.processDue(undefined, { dryRun: options.dryRun, upcomingHours });
        await this.notifier.settle();
        if (report.errors.length || report.failed.length) process.exitCode = 1;
        return report;
      },
      render,
    );
  }

  @Option({ flags: '--dry-run', description: 'say what is due; change nothing' })
  parseDryRun(): boolean {
    return true;
  }

  @Option({ flags: '--upcoming <hours>', description: 'also list windows starting within this many hours' })
  parseUpcoming(value: string): string {
    return value;
  }
}

function render(report: ProcessReport): string {
  const verb = (past: string, future: string) => (report.dryRun ? future : past);
  const line = (label: string, run: WindowRun) => {
    const sites = run.sites
      ? `: ${run.sites.enabled} enabled, ${run.sites.alreadyOn} already on, ${run.sites.disabled} disabled, ${run.sites.kept} kept, ${run.sites.failed} failed` +
        run.sites.failures.map((failure) => `\n    ${failure.domain}: ${failure.error}`).join('')
      : '';
    const late = run.lateByMs !== undefined ? ` (${(run.lateByMs / 1000).toFixed(1)} s after ${when(run.startsAt)})` : '';
    return `${label} "${run.title}" (${run.id})${late}${sites}`;
  };
  const lines = [
    ...report.started.map((run) => line(verb('Started', 'Would start'), run)),
    ...report.ended.map((run) => line(verb('Ended', 'Would end'), run)),
    ...report.missed.map((run) => line(verb('Missed', 'Would record as missed'), run) + ` (${when(run.startsAt)} to ${when(run.endsAt)})`),
    ...report.failed.map((run) => line(`Failed to ${run.phase}`, run)),
    ...report.retried.map((run) => line(verb('Retried failed sites of', 'Would retry failed sites of'), run)),
    ...report.reminded.map((run) => line(verb('Sent "starting soon" for', 'Would send "starting soon" for'), run)),
    ...report.errors.map((error) => `Error on "${error.title}" (${error.id}): ${error.error}`),
    ...report.upcoming.map((run) => `Upcoming "${run.title}" (${run.id}) at ${when(run.startsAt)}`),
  ];
  return lines.length ? lines.join('\n') : `Nothing due at ${when(report.now)}.`;
}
