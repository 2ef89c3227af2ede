import { Option, SubCommand } from 'nest-commander';
import { ApiKeysService } from '../../api-keys/api-keys.service.js';
import { CliOutput, type OutputOptions } from '../cli-output.js';
import { OutputCommand } from '../json-option.js';
import { readSecret } from '../read-secret.js';

interface AddOptions extends OutputOptions {
  default?: boolean;
}

@SubCommand({
  name: 'add',
  arguments: '<name>',
  description: 'store a Cloudflare API token (read from standard input) after verifying it with Cloudflare',
})
export class ApiKeysAddCommand extends OutputCommand<AddOptions> {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run([name]: string[], options: AddOptions): Promise<void> {
    await this.output.run(
      options,
      async () => this.apiKeys.add({ name, token: await readSecret('Cloudflare API token: '), makeDefault: options.default }),
      (key) => `Saved API key "${key.name}" (${key.token})${key.isDefault ? ' as the default' : ''}.`,
    );
  }

  @Option({ flags: '--default', description: 'make this the default key for new sites' })
  parseDefault(): boolean {
    return true;
  }
}
