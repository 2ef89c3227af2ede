import type { KeyBoundClient } from '../../../cloudflare/key-bound-client.js';
import type { WorkersDevState } from '../../../cloudflare/workers.js';
import type { Progress } from '../maintenance-engine.js';
import { WORKER_SCRIPT_NAME } from './worker-script-names.js';

/**
 * Our script must answer only through our routes. On `cfm-maintenance.<account subdomain>.workers.dev` (or a
 * Preview URL there) no site matches, and every request there still counts against the Workers plan's daily
 * requests (docs/worker-engine.md#workersdev).
 */
export function onWorkersDev(state: WorkersDevState | null): boolean {
  return Boolean(state && (state.enabled || state.previewsEnabled));
}

export async function turnOffWorkersDev(client: KeyBoundClient, accountId: string, progress: Progress): Promise<void> {
  progress.step = `turn off workers.dev for the worker script ${WORKER_SCRIPT_NAME}`;
  await client.disableWorkersDev(accountId, WORKER_SCRIPT_NAME);
}

/** Reads the setting and turns it off only when it is on: one read on every enable, a write only after someone turned it on. */
export async function keepOffWorkersDev(client: KeyBoundClient, accountId: string, progress: Progress): Promise<void> {
  progress.step = `read whether the worker script ${WORKER_SCRIPT_NAME} answers on workers.dev`;
  if (onWorkersDev(await client.getWorkersDev(accountId, WORKER_SCRIPT_NAME))) await turnOffWorkersDev(client, accountId, progress);
}
