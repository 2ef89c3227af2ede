import { SubCommand } from 'nest-commander';
import { ApiTokensService } from '../../api-tokens/api-tokens.service.js';
import { CliOutput, type OutputOptions, table, when } from '../cli-output.js';
import { OutputCommand } from '../json-option.js';
import { scopeText } from './api-tokens-create.command.js';

@SubCommand({ name: 'list', description: 'list the API tokens (never their secret)' })
export class ApiTokensListCommand extends OutputCommand {
  constructor(
    private readonly tokens: ApiTokensService,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run(_params: string[], options: OutputOptions): Promise<void> {
    await this.output.run(options, () => this.tokens.list(), (tokens) =>
      table(
        ['Name', 'Starts with', 'Role', 'Scope', 'Status', 'Expires', 'Last used', 'Created'],
        tokens.map((token) => [
          token.name,
          token.prefix,
          token.role,
          scopeText(token),
          token.status,
          when(token.expiresAt),
          when(token.lastUsedAt),
          when(token.createdAt),
        ]),
      ),
    );
  }
}
