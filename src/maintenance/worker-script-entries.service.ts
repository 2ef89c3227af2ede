import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { mergeBranding, type PageBranding } from '../maintenance-page/branding.js';
import { PageBrandingService } from '../maintenance-page/page-branding.service.js';
import { pageLanguages } from '../maintenance-page/render-page.js';
import { RenderedPages } from '../maintenance-page/rendered-pages.js';
import type { CloudflareSite } from '../sites/cloudflare-site.entity.js';
import { type SiteAccess, SiteAccessResolver } from '../sites/site-access.js';
import { SiteRepository } from '../sites/site.repository.js';
import { ACTIVE_WINDOWS, type ActiveWindowOfSite, type ActiveWindows } from './active-windows.js';
import { type WorkerSiteEntry, workerSiteEntry } from './engines/worker/worker-site-entry.js';
import { WORKER_ROUTE_TARGET_PREFIX } from './engines/worker/worker-route-target.js';
import type { WorkerScriptDirectory } from './engines/worker/worker-script-directory.js';

/**
 * What the worker engine's script holds for each site (WorkerScriptDirectory): its hosts and access, the end of
 * its active window (for Retry-After), and its page rendered in each language of its branding, the window's
 * message (else the reason it was enabled with) on it. Every operation on a site of the account rebuilds these for
 * all its sites: the default branding is read once per build, and the pages come from a memo of the renderer,
 * so a page is rendered again only when what it shows changed (docs/worker-engine.md#rendering-once).
 */
@Injectable()
export class WorkerScriptEntries implements WorkerScriptDirectory {
  private readonly rendered = new RenderedPages();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sites: SiteRepository,
    private readonly access: SiteAccessResolver,
    @Inject(ACTIVE_WINDOWS) private readonly windows: ActiveWindows,
    private readonly branding: PageBrandingService,
  ) {}

  async entries(accountId: string, except?: string): Promise<WorkerSiteEntry[]> {
    const sites = await this.sites.inMaintenanceOfAccount(accountId, 'worker', WORKER_ROUTE_TARGET_PREFIX, except);
    const [windows, defaults] = await Promise.all([this.windows.activeWindowsOf(sites.map((site) => site.id)), this.branding.defaultBranding()]);
    return sites.map((site) => this.entry(site, this.access.resolve(site), windows.get(site.id), mergeBranding(defaults, site.pageBranding)));
  }

  async entryFor(site: CloudflareSite, access: SiteAccess): Promise<WorkerSiteEntry> {
    const windows = await this.windows.activeWindowsOf([site.id]);
    return this.entry(site, access, windows.get(site.id), await this.branding.brandingOf(site));
  }

  rememberAccount(siteId: string, accountId: string): Promise<void> {
    return this.sites.rememberAccount(siteId, accountId);
  }

  private entry(site: CloudflareSite, access: SiteAccess, window: ActiveWindowOfSite | undefined, branding: PageBranding): WorkerSiteEntry {
    const endsAt = window?.endsAt ?? null;
    const message = window?.message ?? site.maintenanceReason;
    const page = { domain: site.domain, siteName: site.name, branding, message, endsAt, timezone: window?.timezone };
    const pages = Object.fromEntries(pageLanguages(branding).map((language) => [language, this.rendered.page({ ...page, language })]));
    return workerSiteEntry({
      siteId: site.id,
      settings: site,
      access,
      endsAt,
      retryAfterSeconds: this.config.MAINTENANCE_RETRY_AFTER_SECONDS,
      pages,
    });
  }
}
