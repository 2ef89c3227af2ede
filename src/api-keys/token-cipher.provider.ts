import type { Provider } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { resolveSecretKey } from '../config/secret-key.js';
import { TokenCipher } from './token-cipher.js';

export const tokenCipherProvider: Provider = {
  provide: TokenCipher,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => new TokenCipher(resolveSecretKey(config)),
};
