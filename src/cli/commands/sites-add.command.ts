import { Option, SubCommand } from 'nest-commander';
import { SiteAccessResolver } from '../../sites/site-access.js';
import { engineHelp } from '../../sites/site-engine.js';
import { SitesService } from '../../sites/sites.service.js';
import { CliOutput, type OutputOptions } from '../cli-output.js';
import { OutputCommand } from '../json-option.js';
import { siteView } from '../site-view.js';

interface SitesAddOptions extends OutputOptions {
  apiKey?: string;
  zoneId?: string;
  subdomains?: string;
  maintenanceUrl?: string;
  name?: string;
  engine?: string;
}

@SubCommand({
  name: 'add',
  arguments: '<domain>',
  description: 'register a Cloudflare zone as a site (the zone id is looked up when not given)',
})
export class SitesAddCommand extends OutputCommand<SitesAddOptions> {
  constructor(
    private readonly sites: SitesService,
    private readonly access: SiteAccessResolver,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run([domain]: string[], options: SitesAddOptions): Promise<void> {
    await this.output.run(
      options,
      async () => {
        const site = await this.sites.add({
          domain: domain,
          apiKeyName: options.apiKey,
          zoneId: options.zoneId,
          subdomains: options.subdomains,
          maintenanceUrl: options.maintenanceUrl,
          name: options.name,
          engine: options.engine,
        });
        return siteView(site, this.access.view(site));
      },
      (site) => `Added ${site.domain} (zone ${site.zoneId}, ${site.coverage}, engine ${site.engine}).`,
    );
  }

  @Option({ flags: '--api-key <name>', description: 'the API key to use (default: the default key)' })
  parseApiKey(value: string): string {
    return value;
  }

  @Option({ flags: '--zone-id <id>', description: "the zone's id (default: looked up by domain)" })
  parseZoneId(value: string): string {
    return value;
  }

  @Option({ flags: '--subdomains <list>', description: 'only these subdomains (comma-separated) plus the apex, instead of all' })
  parseSubdomains(value: string): string {
    return value;
  }

  @Option({ flags: '--maintenance-url <url>', description: 'where visitors are sent (default: PUBLIC_URL/maintenance)' })
  parseMaintenanceUrl(value: string): string {
    return value;
  }

  @Option({ flags: '--name <name>', description: 'a display name (default: the domain)' })
  parseName(value: string): string {
    return value;
  }

  @Option({ flags: '--engine <engine>', description: engineHelp(' (default: page_rules)') })
  parseEngine(value: string): string {
    return value;
  }
}
