import { Command, CommandRunner } from 'nest-commander';
import { DbMigrateCommand } from './db-migrate.command.js';

@Command({ name: 'db', description: 'database maintenance', subCommands: [DbMigrateCommand] })
export class DbCommand extends CommandRunner {
  async run(): Promise<void> {
    this.command.help();
  }
}
