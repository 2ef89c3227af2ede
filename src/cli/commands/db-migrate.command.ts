import { SubCommand } from 'nest-commander';
import { DataSource } from 'typeorm';
import { runPendingMigrations } from '../../database/run-migrations.js';
import { CliOutput, type OutputOptions } from '../cli-output.js';
import { OutputCommand } from '../json-option.js';

@SubCommand({ name: 'migrate', description: 'apply pending database migrations' })
export class DbMigrateCommand extends OutputCommand {
  constructor(
    private readonly dataSource: DataSource,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run(_params: string[], options: OutputOptions): Promise<void> {
    await this.output.run(
      options,
      async () => ({ applied: await runPendingMigrations(this.dataSource) }),
      ({ applied }) => (applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.'),
    );
  }
}
