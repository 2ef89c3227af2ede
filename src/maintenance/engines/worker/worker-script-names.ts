/** One script per account holds every site of that account in maintenance on the worker engine (CONTRACT.md). */
export const WORKER_SCRIPT_NAME = 'cfm-maintenance';
export const WORKER_MODULE_NAME = 'maintenance.mjs';
/** The Workers runtime's behaviour the script was written and tested against (docs/cloudflare-facts.md#workers). */
export const WORKER_COMPATIBILITY_DATE = '2025-09-01';

const VERSION_TAG_PREFIX = 'cfm-version-';

/** The tag naming the content of a deployed script: an upload is skipped when the script already carries it. */
export function versionTag(version: string): string {
  return `${VERSION_TAG_PREFIX}${version}`;
}

export function deployedVersion(tags: string[]): string | undefined {
  return tags.find((tag) => tag.startsWith(VERSION_TAG_PREFIX))?.slice(VERSION_TAG_PREFIX.length);
}
