import { Command, CommandRunner } from 'nest-commander';
import { ScheduleAddCommand } from './schedule-add.command.js';
import { ScheduleCancelCommand } from './schedule-cancel.command.js';
import { ScheduleListCommand } from './schedule-list.command.js';
import { ScheduleShowCommand } from './schedule-show.command.js';

export const SCHEDULE_SUBCOMMANDS = [ScheduleAddCommand, ScheduleListCommand, ScheduleShowCommand, ScheduleCancelCommand];

@Command({ name: 'schedule', description: 'plan maintenance windows (one-off or recurring)', subCommands: SCHEDULE_SUBCOMMANDS })
export class ScheduleCommand extends CommandRunner {
  async run(): Promise<void> {
    this.command.help();
  }
}
