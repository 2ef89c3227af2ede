import { Option, SubCommand } from 'nest-commander';
import { PageBrandingService } from '../../maintenance-page/page-branding.service.js';
import { WorkerScriptsService } from '../../maintenance/worker-scripts.service.js';
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
    private readonly branding: PageBrandingService,
    private readonly workerScripts: WorkerScriptsService,
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
        const updated = await this.branding.updateDefault(changes);
        // The default is on the page of every site whose own branding leaves a field to it, the worker engine's included.
        if (updated.changed) await this.workerScripts.refreshAll();
        return updated;
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
