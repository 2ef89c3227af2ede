import { Command, CommandRunner } from 'nest-commander';
import { SitesAddCommand } from './sites-add.command.js';
import { SitesListCommand } from './sites-list.command.js';
import { SitesRemoveCommand } from './sites-remove.command.js';
import { SitesUpdateCommand } from './sites-update.command.js';

@Command({ name: 'sites', description: 'manage sites', subCommands: [SitesAddCommand, SitesListCommand, SitesUpdateCommand, SitesRemoveCommand] })
export class SitesCommand extends CommandRunner {
  async run(): Promise<void> {
    this.command.help();
  }
}
