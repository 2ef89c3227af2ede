import { Global, Module } from '@nestjs/common';
import { KEY_SITES } from '../api-keys/key-sites.js';
import { SiteRepository } from './site.repository.js';
import { SitesModule } from './sites.module.js';

/** Hands the key service (a module below this one) the count of a key's sites, from their owner. */
@Global()
@Module({ imports: [SitesModule], providers: [{ provide: KEY_SITES, useExisting: SiteRepository }], exports: [KEY_SITES] })
export class KeySitesModule {}
