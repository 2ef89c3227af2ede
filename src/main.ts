import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AdminModule } from './admin/admin.module.js';
import { ApiModule } from './api/api.module.js';
import { AppModule } from './app.module.js';
import { MaintenancePageModule } from './maintenance-page/maintenance-page.module.js';
import { escapeControlCharacters } from './common/control-characters.js';
import { TerminalSafeLogger } from './common/terminal-safe.logger.js';
import { loadConfig } from './config/load-config.js';
import { resolveSessionSecret } from './config/session-secret.js';
import { shutDownGracefully } from './shutdown/graceful-shutdown.js';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  // Only the server needs it (the admin panel's sessions): refused here, before anything is opened.
  resolveSessionSecret(config);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config), {
    // No body parser for the whole server: the admin panel and the API each parse their own (AdminModule, ApiModule).
    bodyParser: false,
    logger: new TerminalSafeLogger({ logLevels: ['log', 'warn', 'error'] }),
  });
  // In place of app.enableShutdownHooks(): the operations in flight are drained before Nest closes.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void shutDownGracefully(app, signal, config.SHUTDOWN_DRAIN_SECONDS * 1000)
        .catch((error: unknown) => process.stderr.write(`Shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`))
        // As Nest does: the process ends by the signal it was sent.
        .finally(() => process.kill(process.pid, signal));
    });
  }
  app.disable('x-powered-by');
  // Only from these addresses are X-Forwarded-For (the login throttle's address) and X-Forwarded-Proto (without
  // which express-session sets no Secure cookie behind a TLS proxy) believed.
  app.set('trust proxy', config.TRUSTED_PROXIES);
  MaintenancePageModule.mount(app);
  AdminModule.mount(app);
  ApiModule.mount(app);
  await app.listen(config.PORT);
  const database = config.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `embedded database in ${config.DATA_DIR}`;
  new Logger('Bootstrap').log(`Listening on ${await app.getUrl()} with the ${database}`);
}

bootstrap().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`Could not start: ${escapeControlCharacters(message, { keepLineBreaks: true })}\n`);
  process.exit(1);
});
