import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { CloudflareModule } from '../cloudflare/cloudflare.module.js';
import { LogsModule } from '../logs/logs.module.js';
import { SiteAccessResolver } from './site-access.js';
import { SiteSelectionService } from './site-selection.service.js';
import { SiteRepository } from './site.repository.js';
import { SiteSyncService } from './site-sync.service.js';
import { SitesService } from './sites.service.js';

@Module({
  imports: [ApiKeysModule, CloudflareModule, LogsModule],
  providers: [SiteAccessResolver, SiteRepository, SiteSelectionService, SitesService, SiteSyncService],
  exports: [SiteAccessResolver, SiteRepository, SiteSelectionService, SitesService, SiteSyncService],
})
export class SitesModule {}
