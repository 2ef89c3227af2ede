import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { SitesModule } from '../sites/sites.module.js';
import { ApiTokensService } from './api-tokens.service.js';

@Module({ imports: [ApiKeysModule, SitesModule], providers: [ApiTokensService], exports: [ApiTokensService] })
export class ApiTokensModule {}
