import { SubCommand } from 'nest-commander';
import { ScheduledMaintenanceService } from '../../schedules/scheduled-maintenance.service.js';
import { CliOutput, type OutputOptions, table, when } from '../cli-output.js';
import { OutputCommand } from '../json-option.js';
import { windowView } from '../window-view.js';

@SubCommand({ name: 'show', arguments: '<id>', description: "a window's times, sites (and what it did to each) and past occurrences" })
export class ScheduleShowCommand extends OutputCommand {
  constructor(
    private readonly schedules: ScheduledMaintenanceService,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run([id]: string[], options: OutputOptions): Promise<void> {
    await this.output.run(
      options,
      async () => windowView(await this.schedules.get(id)),
      (window) =>
        [
          `${window.title} (${window.id}): ${window.status}`,
          `  ${window.localStart} to ${window.localEnd}${window.recurrence ? `, repeats "${window.recurrence}" in ${window.timezone}` : ''}`,
          `  auto-enable ${window.autoEnable ? 'yes' : 'no'}, auto-disable ${window.autoDisable ? 'yes' : 'no'}; created by ${window.createdBy}`,
          window.reason ? `  message: ${window.reason}` : '',
          window.actualStart ? `  started ${when(window.actualStart)}${window.actualEnd ? `, ended ${when(window.actualEnd)}` : ''}` : '',
          window.lastError ? `  last error: ${window.lastError}` : '',
          table(['Site', 'Execution', 'Detail'], window.sites.map((site) => [site.domain, site.execution, site.detail])),
          window.history.length
            ? table(
                ['Occurrence', 'Outcome', 'Enabled', 'Already on', 'Failed', 'Note'],
                window.history.map((entry) => [entry.startsAt, entry.outcome, entry.sites.enabled, entry.sites.alreadyOn, entry.sites.failed, entry.note]),
              )
            : '',
        ]
          .filter(Boolean)
          .join('\n'),
    );
  }
}
