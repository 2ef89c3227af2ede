import { SubCommand } from 'nest-commander';
import { PageBrandingService } from '../../maintenance-page/page-branding.service.js';
import { brandingLines } from '../branding-view.js';
import { CliOutput, type OutputOptions } from '../cli-output.js';
import { OutputCommand } from '../json-option.js';

@SubCommand({ name: 'show', description: "the global default branding of every site's maintenance page" })
export class PageDefaultShowCommand extends OutputCommand {
  constructor(
    private readonly branding: PageBrandingService,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run(_params: string[], options: OutputOptions): Promise<void> {
    await this.output.run(
      options,
      async () => ({ branding: await this.branding.defaultBranding() }),
      ({ branding }) => `The default maintenance page branding:\n${brandingLines(branding)}`,
    );
  }
}
