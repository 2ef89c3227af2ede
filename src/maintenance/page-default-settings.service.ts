import { Injectable } from '@nestjs/common';
import type { BrandingChanges } from '../maintenance-page/branding-changes.js';
import type { PageBranding } from '../maintenance-page/branding.js';
import { PageBrandingService } from '../maintenance-page/page-branding.service.js';
import { WorkerScriptsService } from './worker-scripts.service.js';

/** The global default branding as the CLI and the admin change it: saved (and audited), then shown by every engine. */
@Injectable()
export class PageDefaultSettingsService {
  constructor(
    private readonly branding: PageBrandingService,
    private readonly workerScripts: WorkerScriptsService,
  ) {}

  async update(changes: BrandingChanges, actor: string): Promise<{ branding: PageBranding; changed: boolean }> {
    const updated = await this.branding.updateDefault(changes, actor);
    // The default is on the page of every site whose own branding leaves a field to it: the worker scripts hold that page.
    if (updated.changed) await this.workerScripts.refreshAll();
    return updated;
  }
}
