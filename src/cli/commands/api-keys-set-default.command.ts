import { SubCommand } from 'nest-commander';
import { ApiKeysService } from '../../api-keys/api-keys.service.js';
import { CliOutput, type OutputOptions } from '../cli-output.js';
import { OutputCommand } from '../json-option.js';

@SubCommand({ name: 'set-default', arguments: '<name>', description: 'make this key the default for new sites (the previous default stops being one)' })
export class ApiKeysSetDefaultCommand extends OutputCommand {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run([name]: string[], options: OutputOptions): Promise<void> {
    await this.output.run(options, () => this.apiKeys.setDefault(name), (key) => `"${key.name}" is now the default API key.`);
  }
}
