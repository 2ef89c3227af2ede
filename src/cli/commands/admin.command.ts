import { Command, CommandRunner } from 'nest-commander';
import { AdminCreateUserCommand } from './admin-create-user.command.js';
import { AdminListUsersCommand } from './admin-list-users.command.js';
import { AdminRemoveUserCommand } from './admin-remove-user.command.js';
import { AdminRevokeSessionsCommand } from './admin-revoke-sessions.command.js';

/** Listed once, for the parent command and for the CLI module's providers. */
export const ADMIN_SUBCOMMANDS = [AdminCreateUserCommand, AdminListUsersCommand, AdminRemoveUserCommand, AdminRevokeSessionsCommand];

@Command({ name: 'admin', description: 'manage the users of the admin panel', subCommands: ADMIN_SUBCOMMANDS })
export class AdminCommand extends CommandRunner {
  async run(): Promise<void> {
    this.command.help();
  }
}
