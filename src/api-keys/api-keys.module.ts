import { Module } from '@nestjs/common';
import { CloudflareModule } from '../cloudflare/cloudflare.module.js';
import { ApiKeysService } from './api-keys.service.js';
import { TokenCipher } from './token-cipher.js';
import { tokenCipherProvider } from './token-cipher.provider.js';
import { TokenVerifier } from './token-verifier.js';

@Module({
  imports: [CloudflareModule],
  providers: [ApiKeysService, tokenCipherProvider, TokenVerifier],
  exports: [ApiKeysService, TokenCipher],
})
export class ApiKeysModule {}
