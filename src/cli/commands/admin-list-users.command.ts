import { SubCommand } from 'nest-commander';
import { AdminUsersService } from '../../admin-users/admin-users.service.js';
import { CliOutput, type OutputOptions, table, when } from '../cli-output.js';
import { OutputCommand } from '../json-option.js';

@SubCommand({ name: 'list-users', description: 'list the admin panel users' })
export class AdminListUsersCommand extends OutputCommand {
  constructor(
    private readonly users: AdminUsersService,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run(_params: string[], options: OutputOptions): Promise<void> {
    await this.output.run(options, () => this.users.list(), (users) =>
      table(['E-mail', 'Created', 'Last login'], users.map((user) => [user.email, when(user.createdAt), when(user.lastLoginAt)])),
    );
  }
}
