import type * as CloudflareSdk from 'cloudflare';

export type Sdk = typeof CloudflareSdk;

let loading: Promise<Sdk> | undefined;

/**
 * The SDK is imported when the first client is built, not at start-up: importing it took about 0.2 s,
 * as long as all the rest of a CLI command that never calls Cloudflare, such as `list`
 * (docs/cli-startup.md). The server pays it at its first Cloudflare call.
 */
export function loadSdk(): Promise<Sdk> {
  loading ??= import('cloudflare');
  return loading;
}
