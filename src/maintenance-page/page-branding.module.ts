import { Module } from '@nestjs/common';
import { PageBrandingService } from './page-branding.service.js';
import { PageDefaultsStore } from './page-defaults.store.js';

/** The maintenance page's branding, for the server's page, the CLI and the admin panel. */
@Module({ providers: [PageDefaultsStore, PageBrandingService], exports: [PageDefaultsStore, PageBrandingService] })
export class PageBrandingModule {}
