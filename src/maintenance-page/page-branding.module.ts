import { Module } from '@nestjs/common';
import { LogsModule } from '../logs/logs.module.js';
import { PageBrandingService } from './page-branding.service.js';
import { PageDefaultsStore } from './page-defaults.store.js';

/** The maintenance page's branding, for the server's page, the CLI and the admin panel. */
@Module({ imports: [LogsModule], providers: [PageDefaultsStore, PageBrandingService], exports: [PageDefaultsStore, PageBrandingService] })
export class PageBrandingModule {}
