import { SubCommand } from 'nest-commander';
import { ApiTokensService } from '../../api-tokens/api-tokens.service.js';
import { CliOutput, type OutputOptions } from '../cli-output.js';
import { OutputCommand } from '../json-option.js';

@SubCommand({ name: 'revoke', arguments: '<name>', description: 'revoke an API token: every request with it is refused from now on' })
export class ApiTokensRevokeCommand extends OutputCommand {
  constructor(
    private readonly tokens: ApiTokensService,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run([name]: string[], options: OutputOptions): Promise<void> {
    await this.output.run(options, () => this.tokens.revoke(name), (token) => `Revoked API token ${token.name} (${token.prefix}…).`);
  }
}
