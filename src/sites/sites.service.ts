import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { CloudflareGateway } from '../cloudflare/cloudflare.gateway.js';
import type { ZoneRecord } from '../cloudflare/response-schemas.js';
import { NotFoundError, ValidationError } from '../common/errors.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { CloudflareSite } from './cloudflare-site.entity.js';
import { assertNoRedirectLoop } from './redirect-loop.js';
import { parseDomain, parseMaintenanceUrl, parseSiteName, parseSubdomains, parseZoneId } from './site-input.validation.js';

export interface AddSiteInput {
  domain: string;
  apiKeyName?: string;
  zoneId?: string;
  subdomains?: string;
  maintenanceUrl?: string;
  name?: string;
}

@Injectable()
export class SitesService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly apiKeys: ApiKeysService,
    private readonly gateway: CloudflareGateway,
  ) {}

  private get repository() {
    return this.dataSource.getRepository(CloudflareSite);
  }

  /** Everything is validated, and the zone confirmed with Cloudflare, before the row is written. */
  async add(input: AddSiteInput): Promise<CloudflareSite> {
    const domain = parseDomain(input.domain);
    const subdomainList = input.subdomains === undefined ? [] : parseSubdomains(input.subdomains, domain);
    if (input.subdomains !== undefined && subdomainList.length === 0) {
      throw new ValidationError('--subdomains was given but lists no subdomain; omit it to cover every subdomain.', { field: 'subdomains' });
    }
    const maintenanceUrl = input.maintenanceUrl === undefined ? null : parseMaintenanceUrl(input.maintenanceUrl);
    assertNoRedirectLoop({ domain, includeSubdomains: subdomainList.length === 0, subdomainList, maintenanceUrl }, this.config.PUBLIC_URL);
    const name = parseSiteName(input.name) ?? domain;
    const zoneId = input.zoneId === undefined ? undefined : parseZoneId(input.zoneId);
    const apiKey = input.apiKeyName ? await this.apiKeys.findByName(input.apiKeyName) : await this.apiKeys.findDefault();
    if (await this.repository.existsBy({ domain })) {
      throw new ValidationError(`${domain} is already registered; change it with \`maintenance sites update\`.`, { field: 'domain' });
    }

    const token = await this.apiKeys.tokenFor(apiKey.id);
    const zone = zoneId ? await this.gateway.getZone(token, zoneId) : await this.gateway.findZoneByName(token, domain);
    if (!zone) {
      throw new ValidationError(`No Cloudflare zone named ${domain} is visible to the API key "${apiKey.name}".`, { field: 'domain' });
    }
    if (zone.name !== domain) {
      throw new ValidationError(`Zone ${zone.id} is ${zone.name}, not ${domain}; check --zone-id.`, { field: 'zoneId' });
    }

    const site = await this.repository.save(
      this.repository.create({
        name,
        domain,
        apiKeyId: apiKey.id,
        includeSubdomains: subdomainList.length === 0,
        subdomainList,
        maintenanceUrl,
        ...zoneFacts(zone),
      }),
    );
    await this.apiKeys.markUsed(apiKey.id);
    return site;
  }

  list(options: { withApiKey?: boolean } = {}): Promise<CloudflareSite[]> {
    return this.repository.find({ order: { domain: 'ASC' }, relations: options.withApiKey ? { apiKey: true } : {} });
  }

  async findByDomain(rawDomain: string): Promise<CloudflareSite> {
    const domain = parseDomain(rawDomain);
    const site = await this.repository.findOneBy({ domain });
    if (!site) throw new NotFoundError(`Unknown site ${domain}. See \`maintenance list\`, or add it with \`maintenance sites add ${domain}\`.`);
    return site;
  }
}

/** The fields Cloudflare owns, as opposed to the operator's settings (DESIGN.md §3.7). */
export type ZoneFacts = Pick<CloudflareSite, 'zoneId' | 'accountId' | 'zoneStatus' | 'zonePaused' | 'zonePlan' | 'pageRuleQuota'>;

export function zoneFacts(zone: ZoneRecord): ZoneFacts {
  return {
    zoneId: zone.id,
    accountId: zone.account.id,
    zoneStatus: zone.status ?? null,
    zonePaused: zone.paused ?? null,
    zonePlan: zone.plan?.name ?? null,
    pageRuleQuota: zone.meta?.page_rule_quota ?? null,
  };
}
