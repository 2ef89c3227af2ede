import { SubCommand } from 'nest-commander';
import { SiteSettingsService } from '../../maintenance/site-settings.service.js';
import { SitesService } from '../../sites/sites.service.js';
import { CliOutput, type OutputOptions } from '../cli-output.js';
import { OutputCommand } from '../json-option.js';

@SubCommand({
  name: 'remove',
  arguments: '<domain>',
  description: 'forget a site (refused while it is in maintenance); its audit log is kept',
})
export class SitesRemoveCommand extends OutputCommand {
  constructor(
    private readonly sites: SitesService,
    private readonly settings: SiteSettingsService,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run([domain]: string[], options: OutputOptions): Promise<void> {
    await this.output.run(
      options,
      async () => {
        const site = await this.sites.findByDomain(domain);
        await this.settings.remove(site);
        return { domain: site.domain, removed: true };
      },
      (result) => `Removed ${result.domain}.`,
    );
  }
}
