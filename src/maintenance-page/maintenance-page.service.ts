import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { normaliseHost } from '../sites/site-input.validation.js';

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

interface PageRow {
  siteName: string;
  message: string | null;
  endsAt: Date | null;
  timezone: string | null;
}

const MAX_DOMAIN_LENGTH = 253;
const HEALTH_TIMEOUT_MS = 3000;

/** The `site` query value as a stored domain would be spelled, or undefined when it cannot be one. */
export function pageDomain(site: unknown): string | undefined {
  if (typeof site !== 'string') return undefined;
  const domain = normaliseHost(site);
  return domain.length > 0 && domain.length <= MAX_DOMAIN_LENGTH ? domain : undefined;
}

@Injectable()
export class MaintenancePageService {
  constructor(private readonly dataSource: DataSource) {}

  /** What the maintenance page shows for a normalised domain (see pageDomain), or null for an unknown site. */
  async find(domain: string): Promise<MaintenancePageView | null> {
    const [row] = await this.dataSource.query<PageRow[]>(
      `SELECT s.name AS "siteName", w.reason AS message, w.ends_at AS "endsAt", w.timezone
         FROM cloudflare_sites s
         LEFT JOIN LATERAL (
           SELECT m.reason, m.ends_at, m.timezone
             FROM scheduled_maintenance_sites e
             JOIN scheduled_maintenances m ON m.id = e.window_id
            WHERE e.site_id = s.id AND e.execution IN ('enabled', 'already_on') AND m.status = 'active'
            ORDER BY m.ends_at DESC
            LIMIT 1
         ) w ON true
        WHERE s.domain = $1`,
      [domain],
    );
    if (!row) return null;
    const window = row.endsAt ? { message: row.message, endsAt: row.endsAt, timezone: row.timezone! } : null;
    return { siteName: row.siteName, window };
  }

  databaseReachable(): Promise<boolean> {
    const answered = this.dataSource.query('SELECT 1').then(() => true, () => false);
    // Connecting to an unreachable host can hang for minutes; a health check has to answer.
    return Promise.race([answered, sleep(HEALTH_TIMEOUT_MS, false, { ref: false })]);
  }
}
