import { Option, SubCommand } from 'nest-commander';
import { ValidationError } from '../../common/errors.js';
import { type SiteChanges, SiteSettingsService } from '../../maintenance/site-settings.service.js';
import { SitesService } from '../../sites/sites.service.js';
import { cliActor } from '../actor.js';
import { CliOutput, type OutputOptions } from '../cli-output.js';
import { OutputCommand } from '../json-option.js';
import { siteView } from '../site-view.js';

interface SitesUpdateOptions extends OutputOptions {
  name?: string;
  subdomains?: string;
  allSubdomains?: boolean;
  maintenanceUrl?: string;
  defaultUrl?: boolean;
  active?: boolean;
  inactive?: boolean;
  apiKey?: string;
}

function exclusive(options: SitesUpdateOptions, a: keyof SitesUpdateOptions, b: keyof SitesUpdateOptions, flags: string): void {
  if (options[a] !== undefined && options[b] !== undefined) throw new ValidationError(`${flags} exclude each other; give one.`);
}

export function changesFrom(options: SitesUpdateOptions): SiteChanges {
  exclusive(options, 'subdomains', 'allSubdomains', '--subdomains and --all-subdomains');
  exclusive(options, 'maintenanceUrl', 'defaultUrl', '--maintenance-url and --default-url');
  exclusive(options, 'active', 'inactive', '--active and --inactive');
  return {
    name: options.name,
    subdomains: options.allSubdomains ? null : options.subdomains,
    maintenanceUrl: options.defaultUrl ? null : options.maintenanceUrl,
    active: options.active ? true : options.inactive ? false : undefined,
    apiKeyName: options.apiKey,
  };
}

@SubCommand({
  name: 'update',
  arguments: '<domain>',
  description: "change a site's settings; a site in maintenance gets its rules re-applied (new rules first)",
})
export class SitesUpdateCommand extends OutputCommand<SitesUpdateOptions> {
  constructor(
    private readonly sites: SitesService,
    private readonly settings: SiteSettingsService,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run([domain]: string[], options: SitesUpdateOptions): Promise<void> {
    await this.output.run(
      options,
      async () => {
        const changes = changesFrom(options);
        const result = await this.settings.update(await this.sites.findByDomain(domain), changes, cliActor());
        return { ...siteView(result.site), changed: result.changed, rulesReapplied: result.rulesReapplied };
      },
      (result) =>
        result.changed.length === 0
          ? `${result.domain}: nothing to change.`
          : `${result.domain}: updated ${result.changed.join(', ')}${result.rulesReapplied ? '; the maintenance rules were re-applied in Cloudflare' : ''}.`,
    );
  }

  @Option({ flags: '--name <name>', description: 'display name' })
  parseName(value: string): string {
    return value;
  }

  @Option({ flags: '--subdomains <list>', description: 'cover only the apex and these subdomains (comma-separated)' })
  parseSubdomains(value: string): string {
    return value;
  }

  @Option({ flags: '--all-subdomains', description: 'cover the apex and every subdomain with one rule' })
  parseAllSubdomains(): boolean {
    return true;
  }

  @Option({ flags: '--maintenance-url <url>', description: 'send visitors to this URL' })
  parseMaintenanceUrl(value: string): string {
    return value;
  }

  @Option({ flags: '--default-url', description: 'send visitors to PUBLIC_URL/maintenance' })
  parseDefaultUrl(): boolean {
    return true;
  }

  @Option({ flags: '--active', description: 'mark the site active' })
  parseActive(): boolean {
    return true;
  }

  @Option({ flags: '--inactive', description: 'mark the site inactive (bulk selectors and sync leave it alone)' })
  parseInactive(): boolean {
    return true;
  }

  @Option({ flags: '--api-key <name>', description: 'use another API key for this site' })
  parseApiKey(value: string): string {
    return value;
  }
}
