import { Module } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { WebhookNotifier, webhookOptions } from './webhook.notifier.js';

@Module({
  providers: [
    { provide: WebhookNotifier, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new WebhookNotifier(webhookOptions(config)) },
  ],
  exports: [WebhookNotifier],
})
export class NotificationsModule {}
