import { Command } from 'nest-commander';
import { SiteAccessResolver } from '../../sites/site-access.js';
import { SitesService } from '../../sites/sites.service.js';
import { CliOutput, type OutputOptions } from '../cli-output.js';
import { OutputCommand } from '../json-option.js';
import { siteTable, siteView } from '../site-view.js';

@Command({ name: 'list', description: 'list every site with its maintenance state' })
export class ListCommand extends OutputCommand {
  constructor(
    private readonly sites: SitesService,
    private readonly access: SiteAccessResolver,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run(_params: string[], options: OutputOptions): Promise<void> {
    await this.output.run(options, async () => (await this.sites.list()).map((site) => siteView(site, this.access.view(site))), siteTable);
  }
}
