import { Option, SubCommand } from 'nest-commander';
import { ApiTokensService } from '../../api-tokens/api-tokens.service.js';
import { CliOutput, type OutputOptions, when } from '../cli-output.js';
import { OutputCommand } from '../json-option.js';

interface CreateOptions extends OutputOptions {
  role?: string;
  sites?: string;
  apiKey?: string;
  expires?: string;
}

@SubCommand({
  name: 'create',
  arguments: '<name>',
  description: 'create an API token; it is printed once, here, and never again',
})
export class ApiTokensCreateCommand extends OutputCommand<CreateOptions> {
  constructor(
    private readonly tokens: ApiTokensService,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run([name]: string[], options: CreateOptions): Promise<void> {
    await this.output.run(
      options,
      () =>
        this.tokens.create({
          name,
          role: options.role,
          sites: options.sites?.split(',').map((domain) => domain.trim()).filter(Boolean),
          apiKeyName: options.apiKey,
          expires: options.expires,
        }),
      (created) =>
        [
          `Created API token ${created.name} (${created.role}, ${scopeText(created)}, ${created.expiresAt ? `expires ${when(created.expiresAt)}` : 'does not expire'}).`,
          'Copy it now: it is shown only this once.',
          '',
          created.token,
        ].join('\n'),
    );
  }

  @Option({ flags: '--role <role>', description: 'viewer (reads), operator (also enables, disables, syncs), admin (everything)', required: true })
  parseRole(value: string): string {
    return value;
  }

  @Option({ flags: '--sites <domains>', description: 'only these sites, comma-separated' })
  parseSites(value: string): string {
    return value;
  }

  @Option({ flags: '--api-key <name>', description: 'only the sites of this Cloudflare key' })
  parseApiKey(value: string): string {
    return value;
  }

  @Option({ flags: '--expires <duration>', description: 'lifetime, e.g. 90d or 12h (default: does not expire)' })
  parseExpires(value: string): string {
    return value;
  }
}

export function scopeText(token: { sites: string[]; apiKeys: string[] }): string {
  if (token.sites.length) return `sites ${token.sites.join(', ')}`;
  if (token.apiKeys.length) return `sites of key ${token.apiKeys.join(', ')}`;
  return 'every site';
}
