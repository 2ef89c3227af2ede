import { Inject } from '@nestjs/common';
import { SubCommand } from 'nest-commander';
import { adminPanelUrl } from '../../admin-users/admin-panel-url.js';
import { MIN_PASSWORD_LENGTH, parseEmail } from '../../admin-users/admin-user-input.validation.js';
import { AdminUsersService } from '../../admin-users/admin-users.service.js';
import { ValidationError } from '../../common/errors.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.schema.js';
import { CliOutput, type OutputOptions } from '../cli-output.js';
import { OutputCommand } from '../json-option.js';
import { readSecret } from '../read-secret.js';

@SubCommand({
  name: 'create-user',
  arguments: '<email>',
  description: `create an admin panel user; the password (at least ${MIN_PASSWORD_LENGTH} characters) is read from standard input or a prompt`,
})
export class AdminCreateUserCommand extends OutputCommand {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: AdminUsersService,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run([email]: string[], options: OutputOptions): Promise<void> {
    await this.output.run(
      options,
      async () => {
        const address = parseEmail(email); // before the password is typed, not after
        return this.users.create({ email: address, password: await readNewPassword() });
      },
      (user) => `Created admin user ${user.email}. Log in at ${adminPanelUrl(this.config)}.`,
    );
  }
}

/** Piped: everything but the final line break. On a terminal: typed twice, unseen. */
async function readNewPassword(): Promise<string> {
  const password = (await readSecret(`Password (at least ${MIN_PASSWORD_LENGTH} characters): `)).replace(/\r?\n$/, '');
  if (process.stdin.isTTY && (await readSecret('Repeat the password: ')) !== password) {
    throw new ValidationError('The two passwords differ; no user was created.', { field: 'password' });
  }
  return password;
}
