import { Command, CommandRunner } from 'nest-commander';
import { ApiKeysActivateCommand } from './api-keys-activate.command.js';
import { ApiKeysAddCommand } from './api-keys-add.command.js';
import { ApiKeysDeactivateCommand } from './api-keys-deactivate.command.js';
import { ApiKeysListCommand } from './api-keys-list.command.js';
import { ApiKeysRemoveCommand } from './api-keys-remove.command.js';
import { ApiKeysRotateCommand } from './api-keys-rotate.command.js';
import { ApiKeysSetDefaultCommand } from './api-keys-set-default.command.js';
import { ApiKeysVerifyCommand } from './api-keys-verify.command.js';

/** Listed once, for the parent command and for the CLI module's providers. */
export const API_KEYS_SUBCOMMANDS = [
  ApiKeysAddCommand,
  ApiKeysListCommand,
  ApiKeysSetDefaultCommand,
  ApiKeysDeactivateCommand,
  ApiKeysActivateCommand,
  ApiKeysVerifyCommand,
  ApiKeysRotateCommand,
  ApiKeysRemoveCommand,
];

@Command({ name: 'api-keys', description: 'manage Cloudflare API tokens', subCommands: API_KEYS_SUBCOMMANDS })
export class ApiKeysCommand extends CommandRunner {
  async run(): Promise<void> {
    this.command.help();
  }
}
