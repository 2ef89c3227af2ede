import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { ChangeFeed } from '../database/change-feed.js';
import { ChangeFeeds } from '../database/change-feeds.js';
import { DatabaseHealth } from '../database/database-health.js';
import { WindowStore } from '../schedules/window-store.js';
import { normaliseHost } from '../sites/site-input.validation.js';
import { SiteRepository } from '../sites/site.repository.js';
import { mergeBranding, type PageBranding } from './branding.js';
import { type PageBody, pageBody } from './page-body.js';
import { PageDefaultsStore } from './page-defaults.store.js';
import { pageLanguages, renderMaintenancePage } from './render-page.js';
import { SnapshotRefresh } from './snapshot-refresh.js';

export interface ActiveWindowView {
  /** The window's public message (its `reason`). */
  message: string | null;
  endsAt: Date;
  timezone: string;
}

/** Everything a site's maintenance page shows; what is added here is loaded in `load`. */
export interface MaintenancePageView {
  domain: string;
  siteName: string;
  /** The active window covering the site that ends last, if any. */
  window: ActiveWindowView | null;
  /** The reason the site was put into maintenance with, while it is in (shown when no window's message says more). */
  reason: string | null;
  /** The site's branding merged over the global default. */
  branding: PageBranding;
}

/** A site's page in the snapshot; its bytes in each language are rendered at the first visit and kept with it. */
export class SitePage {
  private readonly rendered = new Map<string, PageBody>();
  readonly languages: string[];

  constructor(readonly view: MaintenancePageView) {
    this.languages = pageLanguages(view.branding);
  }

  /** In a language of `languages` (pickLanguage). */
  body(language: string): PageBody {
    let body = this.rendered.get(language);
    if (!body) {
      const { domain, siteName, window, reason, branding } = this.view;
      body = pageBody(
        renderMaintenancePage({
          domain,
          siteName,
          branding,
          message: window?.message?.trim() || reason,
          endsAt: window?.endsAt ?? null,
          timezone: window?.timezone,
          language,
        }),
      );
      this.rendered.set(language, body);
    }
    return body;
  }
}

/** The page of a site the snapshot does not know (or of no site): the default branding, no window. */
function genericPage(branding: PageBranding): SitePage {
  return new SitePage({ domain: '', siteName: 'This site', window: null, reason: null, branding });
}

/** The channel (and sequence) that migrations/1796590162625-site-page-changes.ts signals. */
export const SITE_PAGE_CHANNEL = 'site_page_changes';
/** The safety net: a full load this often, whatever the change feed says. */
export const FULL_REFRESH_MS = 30_000;

const MAX_DOMAIN_LENGTH = 253;

/** The `site` query value as a stored domain would be spelled, or undefined when it cannot be one. */
export function pageDomain(site: unknown): string | undefined {
  if (typeof site !== 'string') return undefined;
  const domain = normaliseHost(site);
  return domain.length > 0 && domain.length <= MAX_DOMAIN_LENGTH ? domain : undefined;
}

/**
 * Every site's maintenance page, held in memory so that a visitor costs no query
 * (docs/maintenance-page.md). Loaded whole at start, again after every change the feed announces (several
 * changes in a row make one load), and every FULL_REFRESH_MS; while the database cannot be read, the last
 * good snapshot keeps answering.
 */
@Injectable()
export class MaintenancePageService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MaintenancePageService.name);
  private readonly refresh = new SnapshotRefresh(() => this.load(), this.logger);
  private pages = new Map<string, SitePage>();
  private genericPage = genericPage({});
  private feed?: ChangeFeed;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly sites: SiteRepository,
    private readonly windows: WindowStore,
    private readonly pageDefaults: PageDefaultsStore,
    private readonly feeds: ChangeFeeds,
    private readonly health: DatabaseHealth,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.refresh.start();
    this.feed = this.feeds.open(SITE_PAGE_CHANNEL, {
      changed: () => this.refresh.request(),
      lost: () => {
        this.health.invalidate();
        this.refresh.request();
      },
    });
    this.timer = setInterval(() => this.refresh.request(), FULL_REFRESH_MS).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.refresh.stop();
    await this.feed?.close();
  }

  /** The page of a normalised domain (see pageDomain), or undefined for an unknown site. */
  find(domain: string): SitePage | undefined {
    return this.pages.get(domain);
  }

  /** The page for an unknown site or none. */
  generic(): SitePage {
    return this.genericPage;
  }

  /**
   * What a visitor waits for so that the page shows every change committed before the visit: the change
   * feed catching up (one shared round trip, docs/maintenance-page.md#read-your-writes), then the load of
   * any change it announced (at most a second). Undefined when there is nothing to wait for.
   */
  pending(): Promise<void> | undefined {
    const caughtUp = this.feed?.caughtUp();
    return caughtUp ? caughtUp.then(() => this.refresh.pending()) : this.refresh.pending();
  }

  /** Reads the whole snapshot from the tables' owners and replaces the old one in one step. */
  async load(): Promise<void> {
    const [sites, windows, defaults] = await Promise.all([this.sites.pageRows(), this.windows.activeWindowsBySite(), this.pageDefaults.get()]);
    const windowOf = new Map(windows.map(({ siteId, ...window }) => [siteId, window]));
    this.pages = new Map(
      sites.map((site) => [
        site.domain,
        new SitePage({
          domain: site.domain,
          siteName: site.name,
          window: windowOf.get(site.id) ?? null,
          reason: site.reason,
          branding: mergeBranding(defaults, site.branding),
        }),
      ]),
    );
    this.genericPage = genericPage(defaults);
  }
}
