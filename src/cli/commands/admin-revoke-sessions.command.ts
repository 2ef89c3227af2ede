import { SubCommand } from 'nest-commander';
import { AdminUsersService } from '../../admin-users/admin-users.service.js';
import { CliOutput, type OutputOptions } from '../cli-output.js';
import { OutputCommand } from '../json-option.js';

@SubCommand({ name: 'revoke-sessions', arguments: '<email>', description: "end every session of an admin panel user (who must log in again)" })
export class AdminRevokeSessionsCommand extends OutputCommand {
  constructor(
    private readonly users: AdminUsersService,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run([email]: string[], options: OutputOptions): Promise<void> {
    await this.output.run(
      options,
      () => this.users.revokeSessions(email),
      (revoked) => `Ended ${revoked.sessionsEnded} session(s) of ${revoked.email}; the user must log in again.`,
    );
  }
}
