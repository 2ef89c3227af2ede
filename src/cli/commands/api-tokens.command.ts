import { Command, CommandRunner } from 'nest-commander';
import { ApiTokensCreateCommand } from './api-tokens-create.command.js';
import { ApiTokensListCommand } from './api-tokens-list.command.js';
import { ApiTokensRevokeCommand } from './api-tokens-revoke.command.js';

/** Listed once, for the parent command and for the CLI module's providers. */
export const API_TOKENS_SUBCOMMANDS = [ApiTokensCreateCommand, ApiTokensListCommand, ApiTokensRevokeCommand];

@Command({ name: 'api-tokens', description: 'manage the tokens that call the HTTP API (/api/v1)', subCommands: API_TOKENS_SUBCOMMANDS })
export class ApiTokensCommand extends CommandRunner {
  async run(): Promise<void> {
    this.command.help();
  }
}
