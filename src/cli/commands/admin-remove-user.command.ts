import { SubCommand } from 'nest-commander';
import { AdminUsersService } from '../../admin-users/admin-users.service.js';
import { CliOutput, type OutputOptions } from '../cli-output.js';
import { OutputCommand } from '../json-option.js';

@SubCommand({ name: 'remove-user', arguments: '<email>', description: 'remove an admin panel user and end its sessions' })
export class AdminRemoveUserCommand extends OutputCommand {
  constructor(
    private readonly users: AdminUsersService,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run([email]: string[], options: OutputOptions): Promise<void> {
    await this.output.run(
      options,
      () => this.users.remove(email),
      (removed) => `Removed admin user ${removed.email} and ended its ${removed.sessionsEnded} session(s).`,
    );
  }
}
