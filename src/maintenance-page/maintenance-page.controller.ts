import { Controller, Get, Header, HttpCode, Inject, Logger, Query, Res, ServiceUnavailableException } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { DatabaseHealth } from '../database/database-health.js';
import { maintenancePageHtml, retryAfterSeconds } from './maintenance-page.html.js';
import { type MaintenancePageView, MaintenancePageService, pageDomain } from './maintenance-page.service.js';

interface HeaderWriter {
  setHeader(name: string, value: string): void;
}

// A redirect can only answer 3xx, so the 503 and Retry-After that search engines need come from
// this page (docs/cloudflare-facts.md#page-rules).
@Controller()
export class MaintenancePageController {
  private readonly logger = new Logger(MaintenancePageController.name);
  private lookupFailing = false;

  constructor(
    private readonly pages: MaintenancePageService,
    private readonly database: DatabaseHealth,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('maintenance')
  @HttpCode(503)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @Header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'")
  async page(@Query('site') site: unknown, @Res({ passthrough: true }) response: HeaderWriter): Promise<string> {
    const page = await this.find(site);
    response.setHeader('Retry-After', String(retryAfterSeconds(page, new Date(), this.config.MAINTENANCE_RETRY_AFTER_SECONDS)));
    return maintenancePageHtml(page);
  }

  @Get('health')
  async health(): Promise<{ status: 'ok'; database: 'ok' }> {
    if (!(await this.database.reachable())) {
      throw new ServiceUnavailableException({ status: 'error', database: 'unreachable' });
    }
    return { status: 'ok', database: 'ok' };
  }

  /** Visitors get the generic page rather than an error while the database is down; logged once per outage. */
  private async find(site: unknown): Promise<MaintenancePageView | null> {
    const domain = pageDomain(site);
    if (!domain) return null;
    try {
      const page = await this.pages.find(domain);
      this.lookupFailing = false;
      return page;
    } catch (error) {
      if (!this.lookupFailing) this.logger.warn(`Showing the generic maintenance page: the site lookup failed (${String(error)})`);
      this.lookupFailing = true;
      return null;
    }
  }
}
