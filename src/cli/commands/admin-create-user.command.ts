import { Inject } from '@nestjs/common';
import { Option, SubCommand } from 'nest-commander';
import { ROLES } from '../../access/roles.js';
import { adminPanelUrl } from '../../admin-users/admin-panel-url.js';
import { MIN_PASSWORD_LENGTH, parseEmail } from '../../admin-users/admin-user-input.validation.js';
import { AdminUsersService, parseRole } from '../../admin-users/admin-users.service.js';
import { ValidationError } from '../../common/errors.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.schema.js';
import { CliOutput, type OutputOptions } from '../cli-output.js';
import { OutputCommand } from '../json-option.js';
import { readSecret } from '../read-secret.js';

@SubCommand({
  name: 'create-user',
  arguments: '<email>',
  description:
    `create an admin panel user (--role, default admin; the first user is always an admin); ` +
    `the password (at least ${MIN_PASSWORD_LENGTH} characters) is read from standard input or a prompt`,
})
export class AdminCreateUserCommand extends OutputCommand<CreateUserOptions> {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: AdminUsersService,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run([email]: string[], options: CreateUserOptions): Promise<void> {
    await this.output.run(
      options,
      async () => {
        // Checked before the password is typed, not after.
        const address = parseEmail(email);
        const role = parseRole(options.role ?? 'admin');
        if (role !== 'admin' && (await this.users.count()) === 0) {
          throw new ValidationError(`The first user is always an admin (not ${role}): nobody else could manage the users.`, { field: 'role' });
        }
        return this.users.create({ email: address, role, password: await readNewPassword() });
      },
      (user) => `Created admin user ${user.email}${user.role === 'admin' ? '' : ` (${user.role})`}. Log in at ${adminPanelUrl(this.config)}.`,
    );
  }

  @Option({ flags: '--role <role>', description: `${ROLES.join(', ')} (default admin); manage roles and sites later in the panel` })
  parseRole(value: string): string {
    return value;
  }
}

interface CreateUserOptions extends OutputOptions {
  role?: string;
}

/** Piped: one line. On a terminal: typed twice, unseen. */
async function readNewPassword(): Promise<string> {
  const password = await readSecret(`Password (at least ${MIN_PASSWORD_LENGTH} characters): `, 'password');
  if (process.stdin.isTTY && (await readSecret('Repeat the password: ', 'password')) !== password) {
    throw new ValidationError('The two passwords differ; no user was created.', { field: 'password' });
  }
  return password;
}
