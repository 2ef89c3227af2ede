import { SubCommand } from 'nest-commander';
import { ScheduledMaintenanceService } from '../../schedules/scheduled-maintenance.service.js';
import { cliActor } from '../actor.js';
import { CliOutput, type OutputOptions } from '../cli-output.js';
import { OutputCommand } from '../json-option.js';
import { windowView } from '../window-view.js';

@SubCommand({ name: 'cancel', arguments: '<id>', description: 'cancel a window (an active one is ended first; a recurring one stops repeating)' })
export class ScheduleCancelCommand extends OutputCommand {
  constructor(
    private readonly schedules: ScheduledMaintenanceService,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run([id]: string[], options: OutputOptions): Promise<void> {
    await this.output.run(
      options,
      async () => windowView(await this.schedules.cancel(id, cliActor())),
      (window) => `Cancelled "${window.title}" (${window.id}).`,
    );
  }
}
