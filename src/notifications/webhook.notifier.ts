import { Logger, type OnModuleDestroy } from '@nestjs/common';
import pRetry, { AbortError } from 'p-retry';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppConfig } from '../config/config.schema.js';
import { webhookPayload } from './webhook-payload.js';
import type { WindowEvent } from './window-event.js';

export interface WebhookOptions {
  /** Nothing is sent when unset. */
  url: string | undefined;
  maxRetries: number;
  /** Per attempt. */
  timeoutMs: number;
  /** The pause after the first failed attempt, doubling (with jitter) up to maxBackoffMs. */
  minBackoffMs: number;
  maxBackoffMs: number;
  /** How long closing the application waits for deliveries still under way before abandoning them. */
  shutdownWaitMs: number;
}

export function webhookOptions(config: AppConfig): WebhookOptions {
  return {
    url: config.NOTIFY_WEBHOOK_URL,
    maxRetries: config.NOTIFY_MAX_RETRIES,
    timeoutMs: config.NOTIFY_TIMEOUT_MS,
    minBackoffMs: 1000,
    maxBackoffMs: 8000,
    // After the drain of operations in flight (SHUTDOWN_DRAIN_SECONDS); bounded so that the database still closes in the grace period.
    shutdownWaitMs: 5000,
  };
}

const USER_AGENT = 'cloudflare-maintenance';

/**
 * Tells a webhook about maintenance windows, in the background: a slow or failing receiver never delays
 * or fails maintenance. Failures are logged with the URL's origin only, since webhook URLs (Slack's among
 * them) carry their secret in the path.
 */
export class WebhookNotifier implements OnModuleDestroy {
  private readonly logger = new Logger(WebhookNotifier.name);
  private readonly deliveries = new Set<Promise<void>>();
  private readonly abandon = new AbortController();

  constructor(private readonly options: WebhookOptions) {}

  /** Starts delivering the event and returns at once; never throws. */
  notify(event: WindowEvent): void {
    const { url } = this.options;
    if (!url) return;
    const delivery: Promise<void> = this.deliver(url, event).finally(() => this.deliveries.delete(delivery));
    this.deliveries.add(delivery);
  }

  /** Resolves when every delivery started so far has succeeded or been given up on. */
  async settle(): Promise<void> {
    while (this.deliveries.size > 0) await Promise.all(this.deliveries);
  }

  async onModuleDestroy(): Promise<void> {
    const settled = this.settle().then(() => true);
    if (await Promise.race([settled, sleep(this.options.shutdownWaitMs, false, { ref: false })])) return;
    this.abandon.abort();
    await this.settle();
  }

  private async deliver(url: string, event: WindowEvent): Promise<void> {
    let attempts = 0;
    try {
      // Serialised before the first await, so that the event is sent as it was when notify was called.
      const body = JSON.stringify(webhookPayload(event));
      await pRetry(
        () => {
          attempts += 1;
          return this.post(url, body);
        },
        {
          retries: this.options.maxRetries,
          minTimeout: this.options.minBackoffMs,
          maxTimeout: this.options.maxBackoffMs,
          randomize: true,
          signal: this.abandon.signal,
        },
      );
    } catch (error) {
      const reason = this.abandon.signal.aborted ? 'abandoned at shutdown' : (error as Error).message;
      this.logger.warn(
        `Webhook ${new URL(url).origin}: ${event.type} of window ${event.window.id} not delivered after ` +
          `${attempts} attempt(s): ${redact(reason, url).slice(0, 300)}`,
      );
    }
  }

  /** One attempt; a network error, a timeout, 429 or 5xx is worth another, anything else is final. */
  private async post(url: string, body: string): Promise<void> {
    const failure = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': USER_AGENT },
      body,
      // Following a redirect would turn the POST into a GET; report it instead.
      redirect: 'manual',
      signal: AbortSignal.any([this.abandon.signal, AbortSignal.timeout(this.options.timeoutMs)]),
    })
      .then(async (response): Promise<Failure | undefined> => {
        if (response.ok) {
          await response.body?.cancel();
          return undefined;
        }
        const answer = (await response.text()).replace(/\s+/g, ' ').trim();
        const retry = response.status === 429 || response.status >= 500;
        return { retry, message: `HTTP ${response.status}${answer ? ` ${answer}` : ''}` };
      })
      .catch((error: unknown) => fetchFailure(error, this.options.timeoutMs));
    if (!failure) return;
    const error = new Error(failure.message);
    throw failure.retry ? error : new AbortError(error);
  }
}

/**
 * Some fetch errors quote the whole URL (one with credentials, for instance) and some receivers echo the
 * path in their answer ("Cannot POST /services/…"): keep only the origin.
 */
function redact(text: string, raw: string): string {
  const url = new URL(raw);
  let redacted = text.split(raw).join(url.origin).split(url.href).join(url.origin);
  for (const secret of [`${url.username}:${url.password}@`, url.pathname + url.search]) {
    if (secret.length > 2) redacted = redacted.split(secret).join('…');
  }
  return redacted;
}

interface Failure {
  retry: boolean;
  message: string;
}

/**
 * fetch rejects with TypeError "fetch failed" (its cause says why) on a network error, with a DOMException
 * on a timeout or an abort, and with another TypeError for a request it cannot make at all. Told apart by
 * name rather than instanceof, which fails across realms (as under Jest).
 */
function fetchFailure(error: unknown, timeoutMs: number): Failure {
  const { name, message, cause } = error as { name?: string; message?: string; cause?: { message?: string } };
  if (name === 'TimeoutError') return { retry: true, message: `no answer within ${timeoutMs} ms` };
  const text = cause?.message ? `${message} (${cause.message})` : String(message ?? error);
  return { retry: message === 'fetch failed', message: text };
}
