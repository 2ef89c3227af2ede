import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AdminModule } from './admin/admin.module.js';
import { AppModule } from './app.module.js';
import { behindTlsProxy } from './config/behind-tls-proxy.js';
import { loadConfig } from './config/load-config.js';
import { resolveSessionSecret } from './config/session-secret.js';
import { shutDownGracefully } from './shutdown/graceful-shutdown.js';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  // Only the server needs it (the admin panel's sessions): refused here, before anything is opened.
  resolveSessionSecret(config);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config), { logger: ['log', 'warn', 'error'] });
  // In place of app.enableShutdownHooks(): the operations in flight are drained before Nest closes.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void shutDownGracefully(app, signal, config.SHUTDOWN_DRAIN_SECONDS * 1000)
        .catch((error: unknown) => process.stderr.write(`Shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`))
        // As Nest does: the process ends by the signal it was sent.
        .finally(() => process.kill(process.pid, signal));
    });
  }
  // The proxy's X-Forwarded-Proto tells express-session that the request was secure, without which it would
  // not set the (Secure) admin session cookie at all.
  if (behindTlsProxy(config)) app.set('trust proxy', 1);
  AdminModule.mount(app);
  await app.listen(config.PORT);
  const database = config.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `embedded database in ${config.DATA_DIR}`;
  new Logger('Bootstrap').log(`Listening on ${await app.getUrl()} with the ${database}`);
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`Could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
