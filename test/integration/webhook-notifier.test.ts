import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Logger, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule } from '../../src/config/config.module.js';
import { loadConfig } from '../../src/config/load-config.js';
import { NotificationsModule } from '../../src/notifications/notifications.module.js';
import { type WebhookOptions, WebhookNotifier } from '../../src/notifications/webhook.notifier.js';
import { type ReceiverAnswer, startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { aWindowEvent } from '../support/window-events.js';

let receiver: WebhookReceiver | undefined;
let warnings: string[];

const recorder: LoggerService = {
  log() {},
  error: (message: string) => warnings.push(`error: ${message}`),
  warn: (message: string) => warnings.push(message),
};

beforeEach(() => {
  warnings = [];
  Logger.overrideLogger(recorder);
});

afterEach(async () => {
  await receiver?.stop();
  receiver = undefined;
});

async function receiverAnswering(...answers: ReceiverAnswer[]): Promise<WebhookReceiver> {
  receiver = await startWebhookReceiver((index) => answers[Math.min(index, answers.length - 1)]);
  return receiver;
}

function notifier(url: string | undefined, options: Partial<WebhookOptions> = {}): WebhookNotifier {
  return new WebhookNotifier({ url, maxRetries: 3, timeoutMs: 2000, minBackoffMs: 5, maxBackoffMs: 20, shutdownWaitMs: 2000, ...options });
}

describe('WebhookNotifier', () => {
  it('POSTs the event as JSON with a Slack text', async () => {
    const { url, received } = await receiverAnswering(200);
    const event = aWindowEvent();
    const subject = notifier(url);

    subject.notify(event);
    await subject.settle();

    const [request] = await received(1);
    expect(request).toMatchObject({ method: 'POST', path: receiver!.secretPath });
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['user-agent']).toBe('cloudflare-maintenance');
    expect(JSON.parse(request.body)).toEqual({ ...event, text: event.summary });
    expect(warnings).toEqual([]);
  });

  it('retries a failing receiver NOTIFY_MAX_RETRIES times, then logs without the secret and gives up', async () => {
    const { url, requests, received } = await receiverAnswering(500);
    const subject = notifier(url);

    expect(subject.notify(aWindowEvent())).toBeUndefined();
    expect(requests).toHaveLength(0);
    await received(4);
    await subject.settle();

    expect(requests).toHaveLength(4);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`Webhook ${new URL(url).origin}: window.started of window`);
    expect(warnings[0]).toContain('not delivered after 4 attempt(s): HTTP 500 Cannot POST …');
    expect(warnings[0]).not.toContain('s3cr3t');
  });

  it('retries 429 and a receiver that does not answer in time, and delivers in the end', async () => {
    const { url, requests } = await receiverAnswering(429, 'hang', 204);
    const subject = notifier(url, { timeoutMs: 200 });

    subject.notify(aWindowEvent());
    await subject.settle();

    expect(requests).toHaveLength(3);
    expect(warnings).toEqual([]);
  });

  it('does not retry another 4xx', async () => {
    const { url, requests } = await receiverAnswering(404, 200);
    const subject = notifier(url);

    subject.notify(aWindowEvent());
    await subject.settle();

    expect(requests).toHaveLength(1);
    expect(warnings).toEqual([expect.stringContaining('not delivered after 1 attempt(s): HTTP 404')]);
  });

  it('logs an unreachable receiver by its origin', async () => {
    const { url } = await receiverAnswering(200);
    await receiver!.stop();
    receiver = undefined;
    const subject = notifier(url, { maxRetries: 1 });

    subject.notify(aWindowEvent());
    await subject.settle();

    expect(warnings).toEqual([expect.stringMatching(/not delivered after 2 attempt\(s\): fetch failed \(.*ECONNREFUSED/)]);
    expect(warnings[0]).not.toContain('s3cr3t');
  });

  it('gives up at once on a URL fetch refuses, without logging its credentials or path', async () => {
    const subject = notifier('http://hook:pa55w0rd@127.0.0.1:9/s3cr3t-t0k3n');

    subject.notify(aWindowEvent());
    await subject.settle();

    expect(warnings).toEqual([
      'Webhook http://127.0.0.1:9: window.started of window 6f1c2a7e-0b5d-4c9e-9a43-2d8e5f7b1c30 not delivered after ' +
        '1 attempt(s): Request cannot be constructed from a URL that includes credentials: http://127.0.0.1:9',
    ]);
  });

  it('abandons deliveries still under way once the shutdown wait is over', async () => {
    const { url, received } = await receiverAnswering('hang');
    const subject = notifier(url, { timeoutMs: 60_000, shutdownWaitMs: 50 });

    subject.notify(aWindowEvent());
    await received(1);
    await subject.onModuleDestroy();

    expect(warnings).toEqual([expect.stringContaining('not delivered after 1 attempt(s): abandoned at shutdown')]);
  });
});

describe('NotificationsModule', () => {
  async function context(env: Record<string, string>) {
    return NestFactory.createApplicationContext({ module: NotificationsModule, imports: [ConfigModule.forRoot(loadConfig(env))] });
  }

  it('sends nothing without NOTIFY_WEBHOOK_URL', async () => {
    const app = await context({});
    const subject = app.get(WebhookNotifier);

    subject.notify(aWindowEvent());
    await subject.settle();
    await app.close();

    expect(warnings).toEqual([]);
  });

  it('delivers with the configured URL and retries, and closing waits for the delivery', async () => {
    const { url, requests } = await receiverAnswering(503, 200);
    const app = await context({ NOTIFY_WEBHOOK_URL: url, NOTIFY_MAX_RETRIES: '1' });

    app.get(WebhookNotifier).notify(aWindowEvent());
    await app.close();

    expect(requests).toHaveLength(2);
    expect(warnings).toEqual([]);
  });
});
