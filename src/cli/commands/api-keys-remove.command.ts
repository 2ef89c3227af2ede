import { SubCommand } from 'nest-commander';
import { ApiKeysService } from '../../api-keys/api-keys.service.js';
import { CliOutput, type OutputOptions } from '../cli-output.js';
import { OutputCommand } from '../json-option.js';

@SubCommand({ name: 'remove', arguments: '<name>', description: 'delete a key that no site uses (otherwise refused: deactivate it instead)' })
export class ApiKeysRemoveCommand extends OutputCommand {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run([name]: string[], options: OutputOptions): Promise<void> {
    await this.output.run(options, () => this.apiKeys.remove(name), (key) =>
      key.isDefault
        ? `Removed API key "${key.name}". It was the default: choose another with \`maintenance api-keys set-default <name>\`.`
        : `Removed API key "${key.name}".`,
    );
  }
}
