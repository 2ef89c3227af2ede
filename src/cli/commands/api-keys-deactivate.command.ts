import { SubCommand } from 'nest-commander';
import { ApiKeysService } from '../../api-keys/api-keys.service.js';
import { CliOutput, type OutputOptions } from '../cli-output.js';
import { OutputCommand } from '../json-option.js';

@SubCommand({
  name: 'deactivate',
  arguments: '<name>',
  description:
    'stop using a key: its sites cannot be operated and its zones are not synced until `api-keys activate`; a deactivated key is never the default',
})
export class ApiKeysDeactivateCommand extends OutputCommand {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run([name]: string[], options: OutputOptions): Promise<void> {
    await this.output.run(options, () => this.apiKeys.deactivate(name), ({ key, wasDefault, siteCount }) =>
      [
        `Deactivated API key "${key.name}".`,
        siteCount ? `${siteCount} site(s) use it and cannot be operated until it is activated again.` : '',
        wasDefault ? 'It was the default: there is no default key now; choose one with `maintenance api-keys set-default <name>`.' : '',
      ]
        .filter(Boolean)
        .join('\n'),
    );
  }
}
