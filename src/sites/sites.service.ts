import { Inject, Injectable } from '@nestjs/common';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { NotFoundError, ValidationError } from '../common/errors.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import type { CloudflareSite } from './cloudflare-site.entity.js';
import { assertNoRedirectLoop } from './redirect-loop.js';
import { SiteRepository } from './site.repository.js';
import { DEFAULT_SITE_ENGINE, engineNeedsForwardUrl, parseSiteEngine } from './site-engine.js';
import { parseDomain, parseMaintenanceUrl, parseSiteName, parseSubdomains, parseZoneId } from './site-input.validation.js';
import { zoneFacts } from './zone-facts.js';

export interface AddSiteInput {
  domain: string;
  apiKeyName?: string;
  zoneId?: string;
  subdomains?: string;
  maintenanceUrl?: string;
  name?: string;
  engine?: string;
}

@Injectable()
export class SitesService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sites: SiteRepository,
    private readonly apiKeys: ApiKeysService,
  ) {}

  /** Everything is validated, and the zone confirmed with Cloudflare, before the row is written. */
  async add(input: AddSiteInput): Promise<CloudflareSite> {
    const domain = parseDomain(input.domain);
    const subdomainList = input.subdomains === undefined ? [] : parseSubdomains(input.subdomains, domain);
    if (input.subdomains !== undefined && subdomainList.length === 0) {
      throw new ValidationError('--subdomains was given but lists no subdomain; omit it to cover every subdomain.', { field: 'subdomains' });
    }
    const maintenanceUrl = input.maintenanceUrl === undefined ? null : parseMaintenanceUrl(input.maintenanceUrl);
    const engine = input.engine === undefined ? DEFAULT_SITE_ENGINE : parseSiteEngine(input.engine);
    // A worker site redirects nobody; switching it to a redirecting engine later checks for a loop then.
    if (engineNeedsForwardUrl(engine)) {
      assertNoRedirectLoop({ domain, includeSubdomains: subdomainList.length === 0, subdomainList, maintenanceUrl }, this.config.PUBLIC_URL);
    }
    const name = parseSiteName(input.name) ?? domain;
    const zoneId = input.zoneId === undefined ? undefined : parseZoneId(input.zoneId);
    const apiKey = input.apiKeyName ? await this.apiKeys.findByName(input.apiKeyName) : await this.apiKeys.findDefault();
    if (await this.sites.existsByDomain(domain)) {
      throw new ValidationError(`${domain} is already registered; change it with \`maintenance sites update\`.`, { field: 'domain' });
    }

    const client = await this.apiKeys.clientFor(apiKey.id);
    const zone = zoneId ? await client.getZone(zoneId) : await client.findZoneByName(domain);
    if (!zone) {
      throw new ValidationError(`No Cloudflare zone named ${domain} is visible to the API key "${apiKey.name}".`, { field: 'domain' });
    }
    if (zone.name !== domain) {
      throw new ValidationError(`Zone ${zone.id} is ${zone.name}, not ${domain}; check --zone-id.`, { field: 'zoneId' });
    }

    const site = await this.sites.insert({
      name,
      domain,
      apiKeyId: apiKey.id,
      includeSubdomains: subdomainList.length === 0,
      subdomainList,
      maintenanceUrl,
      engine,
      ...zoneFacts(zone),
    });
    await client.markUsed();
    return site;
  }

  list(options: { withApiKey?: boolean } = {}): Promise<CloudflareSite[]> {
    return this.sites.list(options);
  }

  async findByDomain(rawDomain: string): Promise<CloudflareSite> {
    const domain = parseDomain(rawDomain);
    const site = await this.sites.findByDomain(domain);
    if (!site) throw new NotFoundError(`Unknown site ${domain}. See \`maintenance list\`, or add it with \`maintenance sites add ${domain}\`.`);
    return site;
  }
}
