import { SubCommand } from 'nest-commander';
import { ApiKeysService } from '../../api-keys/api-keys.service.js';
import { CliOutput, type OutputOptions } from '../cli-output.js';
import { OutputCommand } from '../json-option.js';
import { readSecret } from '../read-secret.js';

@SubCommand({
  name: 'rotate',
  arguments: '<name>',
  description: "replace a key's token with a new one read from standard input, verified with Cloudflare first (the old one stays if refused)",
})
export class ApiKeysRotateCommand extends OutputCommand {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run([name]: string[], options: OutputOptions): Promise<void> {
    await this.output.run(
      options,
      async () => this.apiKeys.rotate(name, await readSecret('New Cloudflare API token: ')),
      (key) => `Rotated API key "${key.name}": now ${key.token}.`,
    );
  }
}
