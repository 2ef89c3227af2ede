import { Injectable } from '@nestjs/common';
import { normaliseHost } from '../sites/site-input.validation.js';
import { SiteRepository } from '../sites/site.repository.js';

export interface ActiveWindowView {
  /** The window's public message (its `reason`). */
  message: string | null;
  endsAt: Date;
  timezone: string;
}

export interface MaintenancePageView {
  siteName: string;
  /** The active window covering the site that ends last, if any. */
  window: ActiveWindowView | null;
}

const MAX_DOMAIN_LENGTH = 253;

/** The `site` query value as a stored domain would be spelled, or undefined when it cannot be one. */
export function pageDomain(site: unknown): string | undefined {
  if (typeof site !== 'string') return undefined;
  const domain = normaliseHost(site);
  return domain.length > 0 && domain.length <= MAX_DOMAIN_LENGTH ? domain : undefined;
}

@Injectable()
export class MaintenancePageService {
  constructor(private readonly sites: SiteRepository) {}

  /** What the maintenance page shows for a normalised domain (see pageDomain), or null for an unknown site. */
  async find(domain: string): Promise<MaintenancePageView | null> {
    const row = await this.sites.pageOf(domain);
    if (!row) return null;
    const window = row.endsAt ? { message: row.message, endsAt: row.endsAt, timezone: row.timezone! } : null;
    return { siteName: row.siteName, window };
  }
}
