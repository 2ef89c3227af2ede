import type { KeyBoundClient } from '../../../cloudflare/key-bound-client.js';
import { ConflictError } from '../../../common/errors.js';
import type { Progress } from '../maintenance-engine.js';
import { assertScriptFits } from './script-size.js';
import { workerScript } from './worker-script.js';
import { turnOffWorkersDev } from './workers-dev.js';
import type { WorkerSiteEntry } from './worker-site-entry.js';
import { deployedVersion, versionTag, WORKER_COMPATIBILITY_DATE, WORKER_MODULE_NAME, WORKER_SCRIPT_NAME } from './worker-script-names.js';
import type { WorkersPlan } from './workers-plan-notes.js';

/** Uploads (or deletions) one convergence may make before it gives up on a script that keeps changing. */
export const MAX_SCRIPT_WRITES = 5;

/** The script the entries need: null when no site needs one (the script is deleted). */
export function desiredScript(entries: WorkerSiteEntry[]): { source: string; version: string } | null {
  return entries.length ? workerScript(entries) : null;
}

/**
 * Brings the account's script to what the database says it must hold, and checks again after every write.
 * Two operations on sites of one account (a bulk enable) each read the sites, then upload: the one that read
 * first may overwrite the other's upload with a script that lacks its site. Every write is therefore followed
 * by a fresh read of both the sites and the deployed version, and the loop ends only when they agree; whoever
 * wrote last is still checking, so the last word is always a script built from the sites as they are then
 * (docs/architecture.md#the-worker-engine). Skips the upload when the deployed script carries the version,
 * and refuses one larger than Cloudflare allows on the account's Workers plan (QuotaError) before sending it.
 * An upload that creates the script takes it off workers.dev straight after (docs/worker-engine.md#workersdev).
 * Returns the version deployed (null: no script).
 */
export async function convergeScript(
  client: KeyBoundClient,
  accountId: string,
  desired: () => Promise<WorkerSiteEntry[]>,
  progress: Progress,
  what: string,
  plan: WorkersPlan,
): Promise<string | null> {
  for (let writes = 0; ; writes += 1) {
    progress.step = `read the worker script ${WORKER_SCRIPT_NAME} (${what})`;
    const [entries, deployed] = await Promise.all([desired(), client.getWorkerScript(accountId, WORKER_SCRIPT_NAME)]);
    const script = desiredScript(entries);
    const current = deployed ? (deployedVersion(deployed.tags) ?? '') : null;
    if ((script?.version ?? null) === current) return current;
    if (writes === MAX_SCRIPT_WRITES) {
      throw new ConflictError(
        `The worker script ${WORKER_SCRIPT_NAME} of account ${accountId} kept changing while it was deployed ` +
          `(${MAX_SCRIPT_WRITES} uploads; other sites of the account were changing at the same time). Try again, or run reconcile.`,
      );
    }
    if (script) {
      progress.step = `check the size of the worker script ${WORKER_SCRIPT_NAME} version ${script.version} (${what})`;
      assertScriptFits(script.source, entries.length, plan, accountId);
      progress.step = `upload the worker script ${WORKER_SCRIPT_NAME} version ${script.version} (${what})`;
      await client.uploadWorkerScript({
        accountId,
        scriptName: WORKER_SCRIPT_NAME,
        moduleName: WORKER_MODULE_NAME,
        source: script.source,
        compatibilityDate: WORKER_COMPATIBILITY_DATE,
        tags: [versionTag(script.version)],
      });
      if (current === null) await turnOffWorkersDev(client, accountId, progress);
    } else {
      progress.step = `delete the worker script ${WORKER_SCRIPT_NAME} (no site of the account uses it any more)`;
      await client.deleteWorkerScript(accountId, WORKER_SCRIPT_NAME);
    }
  }
}
