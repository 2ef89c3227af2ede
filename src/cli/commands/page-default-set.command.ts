import { Option, SubCommand } from 'nest-commander';
import { PageDefaultSettingsService } from '../../maintenance/page-default-settings.service.js';
import { cliActor } from '../actor.js';
import { brandingChanges, type BrandingFlags } from '../branding-options.js';
import { brandingLines } from '../branding-view.js';
import { CliOutput, type OutputOptions } from '../cli-output.js';
import { OutputCommand } from '../json-option.js';
import { ValidationError } from '../../common/errors.js';

interface PageDefaultSetOptions extends OutputOptions, Omit<BrandingFlags, 'template'> {
  /** A file, or false for `--no-template`. */
  template?: string | false;
}

@SubCommand({
  name: 'set',
  description: "change the global default branding of the maintenance pages (a site's own branding wins field by field)",
})
export class PageDefaultSetCommand extends OutputCommand<PageDefaultSetOptions> {
  constructor(
    private readonly pageDefault: PageDefaultSettingsService,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run(_params: string[], { json, ...flags }: PageDefaultSetOptions): Promise<void> {
    await this.output.run(
      { json },
      async () => {
        const changes = await brandingChanges(flags, (name) => `--${name}`);
        if (!changes) throw new ValidationError('Nothing to change: give at least one of the flags (see `maintenance page-default set --help`).');
        return this.pageDefault.update(changes, cliActor());
      },
      ({ branding, changed }) => `${changed ? 'Saved' : 'Nothing to change in'} the default maintenance page branding:\n${brandingLines(branding)}`,
    );
  }

  @Option({ flags: '--title <text>', description: 'the heading (empty: "<site> is down for maintenance")' })
  parseTitle(value: string): string {
    return value;
  }

  @Option({ flags: '--message <text>', description: "the message shown when no window's message or reason says more" })
  parseMessage(value: string): string {
    return value;
  }

  @Option({ flags: '--logo-url <url>', description: 'an https:// image shown above the heading' })
  parseLogoUrl(value: string): string {
    return value;
  }

  @Option({ flags: '--contact-url <url>', description: 'a "Contact us" link (https:// or mailto:)' })
  parseContactUrl(value: string): string {
    return value;
  }

  @Option({ flags: '--primary-color <#hex>', description: 'accent colour (#rgb or #rrggbb)' })
  parsePrimaryColor(value: string): string {
    return value;
  }

  @Option({ flags: '--background-color <#hex>', description: 'background colour' })
  parseBackgroundColor(value: string): string {
    return value;
  }

  @Option({ flags: '--text-color <#hex>', description: 'text colour' })
  parseTextColor(value: string): string {
    return value;
  }

  @Option({ flags: '--template <file>', description: 'a whole HTML page with {{site}}, {{title}}, {{message}}, {{ends_at}}, {{contact_url}}, {{logo_url}} (no scripts)' })
  parseTemplate(value: string): string {
    return value;
  }

  @Option({ flags: '--no-template', description: 'back to the default design' })
  parseNoTemplate(): boolean {
    return false;
  }

  @Option({ flags: '--language <tag>', description: "--title and --message set this language's translation (fr, pt-BR…)" })
  parseLanguage(value: string): string {
    return value;
  }

  @Option({ flags: '--remove-language <tag>', description: "remove this language's translation" })
  parseRemoveLanguage(value: string): string {
    return value;
  }

  @Option({ flags: '--reset', description: 'start from an empty branding (the built-in page) before the other flags' })
  parseReset(): boolean {
    return true;
  }
}
