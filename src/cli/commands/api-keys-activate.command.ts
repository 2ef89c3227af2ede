import { SubCommand } from 'nest-commander';
import { ApiKeysService } from '../../api-keys/api-keys.service.js';
import { CliOutput, type OutputOptions } from '../cli-output.js';
import { OutputCommand } from '../json-option.js';

@SubCommand({ name: 'activate', arguments: '<name>', description: 'use a deactivated key again, after verifying its token with Cloudflare' })
export class ApiKeysActivateCommand extends OutputCommand {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run([name]: string[], options: OutputOptions): Promise<void> {
    await this.output.run(options, () => this.apiKeys.activate(name), (key) => `Activated API key "${key.name}" (${key.token}).`);
  }
}
