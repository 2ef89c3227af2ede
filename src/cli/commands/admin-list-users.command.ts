import { SubCommand } from 'nest-commander';
import { AdminUsersService } from '../../admin-users/admin-users.service.js';
import type { SiteScope } from '../../access/site-scope.js';
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
      table(
        ['E-mail', 'Role', 'Sites', 'Active', 'Created', 'Last login'],
        users.map((user) => [user.email, user.role, scopeText(user.scope), user.isActive ? 'yes' : 'no', when(user.createdAt), when(user.lastLoginAt)]),
      ),
    );
  }
}

function scopeText(scope: SiteScope): string {
  const parts = [...scope.domains, ...scope.apiKeyIds.map((id) => `key ${id}`)];
  return parts.length ? parts.join(', ') : 'every site';
}
