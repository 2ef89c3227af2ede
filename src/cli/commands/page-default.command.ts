import { Command, CommandRunner } from 'nest-commander';
import { PageDefaultSetCommand } from './page-default-set.command.js';
import { PageDefaultShowCommand } from './page-default-show.command.js';

export const PAGE_DEFAULT_SUBCOMMANDS = [PageDefaultShowCommand, PageDefaultSetCommand];

@Command({ name: 'page-default', description: "the default branding of every site's maintenance page", subCommands: PAGE_DEFAULT_SUBCOMMANDS })
export class PageDefaultCommand extends CommandRunner {
  async run(): Promise<void> {
    this.command.help();
  }
}
