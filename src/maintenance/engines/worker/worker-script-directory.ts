import type { CloudflareSite } from '../../../sites/cloudflare-site.entity.js';
import type { SiteAccess } from '../../../sites/site-access.js';
import type { WorkerSiteEntry } from './worker-site-entry.js';

/**
 * What the account's script must hold, read from the database for the engine (which never touches it):
 * implemented by WorkerScriptEntries (src/maintenance/worker-script-entries.service.ts).
 */
export interface WorkerScriptDirectory {
  /**
   * The entries of every site of the account that the script holds as stored now: the worker engine (or worker
   * routes recorded with it, during an engine switch) and in maintenance or entering it; `except` left out.
   */
  entries(accountId: string, except?: string): Promise<WorkerSiteEntry[]>;
  /** One site's entry for settings that may not be saved yet (an engine switch, a settings change). */
  entryFor(site: CloudflareSite, access: SiteAccess): Promise<WorkerSiteEntry>;
  /** Stores the account of the site's zone, so that the site is found among the account's sites. */
  rememberAccount(siteId: string, accountId: string): Promise<void>;
}

export const WORKER_SCRIPT_DIRECTORY = Symbol('WORKER_SCRIPT_DIRECTORY');
