import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AdminModule } from './admin/admin.module.js';
import { AppModule } from './app.module.js';
import { escapeControlCharacters } from './common/control-characters.js';
import { TerminalSafeLogger } from './common/terminal-safe.logger.js';
import { behindTlsProxy } from './config/behind-tls-proxy.js';
import { loadConfig } from './config/load-config.js';
import { resolveSessionSecret } from './config/session-secret.js';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  // Only the server needs it (the admin panel's sessions): refused here, before anything is opened.
  resolveSessionSecret(config);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config), {
    logger: new TerminalSafeLogger({ logLevels: ['log', 'warn', 'error'] }),
  });
  app.enableShutdownHooks();
  // The proxy's X-Forwarded-Proto tells express-session that the request was secure, without which it would
  // not set the (Secure) admin session cookie at all.
  if (behindTlsProxy(config)) app.set('trust proxy', 1);
  AdminModule.mount(app);
  await app.listen(config.PORT);
  const database = config.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `embedded database in ${config.DATA_DIR}`;
  new Logger('Bootstrap').log(`Listening on ${await app.getUrl()} with the ${database}`);
}

bootstrap().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`Could not start: ${escapeControlCharacters(message, { keepLineBreaks: true })}\n`);
  process.exit(1);
});
