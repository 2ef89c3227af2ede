import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { CloudflareModule } from '../cloudflare/cloudflare.module.js';
import { SitesService } from './sites.service.js';

@Module({
  imports: [ApiKeysModule, CloudflareModule],
  providers: [SitesService],
  exports: [SitesService],
})
export class SitesModule {}
