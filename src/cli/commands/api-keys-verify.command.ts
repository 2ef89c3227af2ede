import { SubCommand } from 'nest-commander';
import { ApiKeysService } from '../../api-keys/api-keys.service.js';
import { CliOutput, type OutputOptions } from '../cli-output.js';
import { EXIT_FAILED } from '../exit-codes.js';
import { OutputCommand } from '../json-option.js';

@SubCommand({
  name: 'verify',
  arguments: '<name>',
  description: "ask Cloudflare whether a stored token still works (exit code 1 if not), and refresh the key's account",
})
export class ApiKeysVerifyCommand extends OutputCommand {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run([name]: string[], options: OutputOptions): Promise<void> {
    await this.output.run(
      options,
      async () => {
        const verification = await this.apiKeys.verify(name);
        if (verification.status !== 'active') process.exitCode = EXIT_FAILED;
        return verification;
      },
      ({ key, status, owner, detail }) =>
        status === 'active'
          ? `API key "${key.name}" (${key.token}) is active: ${owner} token, account ${key.accountId ?? '(several or none visible)'}.`
          : `API key "${key.name}" (${key.token}) is ${status}: ${detail}. Replace the token with \`maintenance api-keys rotate ${key.name}\`.`,
    );
  }
}
