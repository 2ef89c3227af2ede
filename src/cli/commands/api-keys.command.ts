import { Command, CommandRunner } from 'nest-commander';
import { ApiKeysAddCommand } from './api-keys-add.command.js';
import { ApiKeysListCommand } from './api-keys-list.command.js';

@Command({
  name: 'api-keys',
  description: 'manage Cloudflare API tokens',
  subCommands: [ApiKeysAddCommand, ApiKeysListCommand],
})
export class ApiKeysCommand extends CommandRunner {
  async run(): Promise<void> {
    this.command.help();
  }
}
