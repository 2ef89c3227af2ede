import { Injectable } from '@nestjs/common';
import { LogsService } from '../logs/logs.service.js';
import type { CloudflareSite } from '../sites/cloudflare-site.entity.js';
import { describeBrandingChange } from './branding-audit.js';
import { type BrandingChanges, applyBrandingChanges } from './branding-changes.js';
import { mergeBranding, type PageBranding } from './branding.js';
import { PageDefaultsStore } from './page-defaults.store.js';
import { renderMaintenancePage } from './render-page.js';

/** An example end, so that a preview shows where the end of a window goes. */
const PREVIEW_WINDOW_MS = 2 * 60 * 60 * 1000;

/**
 * The global default branding, and the branding a site's page is rendered with. A site's own branding is
 * edited with its other settings (SiteSettingsService), with the same rules (branding-changes.ts).
 */
@Injectable()
export class PageBrandingService {
  constructor(
    private readonly defaults: PageDefaultsStore,
    private readonly logs: LogsService,
  ) {}

  defaultBranding(): Promise<PageBranding> {
    return this.defaults.get();
  }

  /**
   * Validated whole before anything is saved; a change is saved with its audit row (action settings, no site,
   * domain `*`, as a key's sync row) in one transaction.
   */
  updateDefault(changes: BrandingChanges, actor: string): Promise<{ branding: PageBranding; changed: boolean }> {
    return this.defaults.edit(async (current, manager) => {
      const branding = applyBrandingChanges(current, changes) ?? {};
      const reason = describeBrandingChange(current, branding, 'default page');
      if (reason) await this.logs.settingsChanged({ siteId: null, domain: '*', actor, reason }, manager);
      return { save: reason ? branding : null, result: { branding, changed: reason !== null } };
    });
  }

  /** What the site's page is rendered with: its own branding over the default. */
  async brandingOf(site: Pick<CloudflareSite, 'pageBranding'>): Promise<PageBranding> {
    return mergeBranding(await this.defaults.get(), site.pageBranding);
  }

  /**
   * A page for branding still being edited (the admin's live preview), as the renderer would show it with an
   * example end two hours from now; a site's branding is laid over the default, the default's is shown alone.
   */
  async preview(input: { domain: string; siteName?: string; branding: BrandingChanges; of: 'site' | 'default'; language?: string }): Promise<string> {
    const edited = applyBrandingChanges(null, input.branding) ?? {};
    const branding = input.of === 'site' ? mergeBranding(await this.defaults.get(), edited) : edited;
    return renderMaintenancePage({
      domain: input.domain,
      siteName: input.siteName,
      branding,
      endsAt: new Date(Date.now() + PREVIEW_WINDOW_MS),
      timezone: 'UTC',
      language: input.language,
    });
  }
}
