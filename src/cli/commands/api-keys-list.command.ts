import { SubCommand } from 'nest-commander';
import { ApiKeysService } from '../../api-keys/api-keys.service.js';
import { CliOutput, type OutputOptions, table, when } from '../cli-output.js';
import { OutputCommand } from '../json-option.js';

@SubCommand({ name: 'list', description: 'list the stored API keys (tokens masked)' })
export class ApiKeysListCommand extends OutputCommand {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run(_params: string[], options: OutputOptions): Promise<void> {
    await this.output.run(options, () => this.apiKeys.list(), (keys) =>
      table(
        ['Name', 'Token', 'Default', 'Active', 'Account', 'Last used'],
        keys.map((key) => [key.name, key.token, key.isDefault ? 'yes' : '', key.isActive ? 'yes' : 'no', key.accountId, when(key.lastUsedAt)]),
      ),
    );
  }
}
