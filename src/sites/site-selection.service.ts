import { Injectable } from '@nestjs/common';
import { type FindOptionsWhere, In, Not } from 'typeorm';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { AppError, NotFoundError, ValidationError } from '../common/errors.js';
import type { CloudflareSite } from './cloudflare-site.entity.js';
import { parseDomain } from './site-input.validation.js';
import { SiteRepository } from './site.repository.js';

/** Which sites an operation applies to; the criteria given combine with AND. */
export interface SiteCriteria {
  domains?: string[];
  /** Every site (only meaningful alone: with other criteria it adds nothing). */
  all?: boolean;
  apiKeyName?: string;
  /** true: sites in maintenance (state `on`); false: every other site. */
  inMaintenance?: boolean;
  /** true: active sites; false: sites marked inactive. */
  active?: boolean;
}

@Injectable()
export class SiteSelectionService {
  constructor(
    private readonly sites: SiteRepository,
    private readonly apiKeys: ApiKeysService,
  ) {}

  /** The matching sites by domain; refuses an empty selection and names every unknown domain at once. */
  async select(criteria: SiteCriteria): Promise<CloudflareSite[]> {
    const domains = criteria.domains?.length ? parseDomains(criteria.domains) : undefined;
    const restricted = domains || criteria.apiKeyName !== undefined || criteria.inMaintenance !== undefined || criteria.active !== undefined;
    if (!restricted && !criteria.all) {
      throw new ValidationError(
        "missing required argument 'domain': name one or more domains, or select sites with --all, --api-key <name>, " +
          '--in-maintenance or --active.',
      );
    }

    const where: FindOptionsWhere<CloudflareSite> = {};
    if (domains) where.domain = In(domains);
    if (criteria.apiKeyName !== undefined) where.apiKeyId = (await this.apiKeys.findByName(criteria.apiKeyName)).id;
    if (criteria.inMaintenance !== undefined) where.maintenanceState = criteria.inMaintenance ? 'on' : Not('on');
    if (criteria.active !== undefined) where.isActive = criteria.active;
    if (domains) {
      const known = await this.sites.knownDomains(domains);
      const unknown = domains.filter((domain) => !known.has(domain));
      if (unknown.length) {
        throw new NotFoundError(
          `Unknown site${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}. See \`maintenance list\`, or add ` +
            `${unknown.length > 1 ? 'them' : 'it'} with \`maintenance sites add <domain>\`.`,
        );
      }
    }
    return this.sites.findWhere(where);
  }
}

/** Every domain checked, so one mistyped name in a long list does not hide the next. */
function parseDomains(raw: string[]): string[] {
  const domains = new Set<string>();
  const problems: string[] = [];
  for (const entry of raw) {
    try {
      domains.add(parseDomain(entry));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length) throw new ValidationError(problems.join('\n'), { field: 'domain' });
  return [...domains];
}
