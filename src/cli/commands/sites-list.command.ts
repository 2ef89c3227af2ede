import { SubCommand } from 'nest-commander';
import { SiteAccessResolver } from '../../sites/site-access.js';
import { SitesService } from '../../sites/sites.service.js';
import { CliOutput, type OutputOptions } from '../cli-output.js';
import { OutputCommand } from '../json-option.js';
import { siteSettingsTable, siteView } from '../site-view.js';

@SubCommand({ name: 'list', description: 'list the registered sites and their settings' })
export class SitesListCommand extends OutputCommand {
  constructor(
    private readonly sites: SitesService,
    private readonly access: SiteAccessResolver,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run(_params: string[], options: OutputOptions): Promise<void> {
    await this.output.run(options, async () => (await this.sites.list({ withApiKey: true })).map((site) => siteView(site, this.access.view(site))), siteSettingsTable);
  }
}
