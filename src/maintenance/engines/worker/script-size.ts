import { gzipSync } from 'node:zlib';
import { QuotaError } from '../../../common/errors.js';
import { WORKER_SCRIPT_NAME } from './worker-script-names.js';
import type { WorkersPlan } from './workers-plan-notes.js';

const MIB = 1024 * 1024;

/**
 * Cloudflare's Worker size limits (docs/cloudflare-facts.md#workers-limits-and-plans): after compression, by
 * Workers plan, measured as wrangler does (gzip of the module); and before compression, on every plan.
 */
export const WORKER_SIZE_LIMITS = { compressed: { free: 3 * MIB, paid: 10 * MIB }, uncompressed: 64 * MIB } as const;

export interface ScriptSize {
  bytes: number;
  gzipBytes: number;
}

export function scriptSize(source: string): ScriptSize {
  const bytes = Buffer.from(source, 'utf8');
  return { bytes: bytes.length, gzipBytes: gzipSync(bytes).length };
}

const mib = (bytes: number) => `${(bytes / MIB).toFixed(2)} MiB`;

/**
 * Refuses, before the upload, a script that Cloudflare would refuse for its size, naming the size, the limit
 * and what to do: every site of the account in maintenance on the worker engine is in the one script, each
 * with its page in every language of its branding.
 */
export function assertScriptFits(source: string, sites: number, plan: WorkersPlan, accountId: string): void {
  const size = scriptSize(source);
  const compressedLimit = WORKER_SIZE_LIMITS.compressed[plan];
  const over =
    size.bytes > WORKER_SIZE_LIMITS.uncompressed
      ? { needed: size.bytes, limit: WORKER_SIZE_LIMITS.uncompressed, what: `${mib(size.bytes)} before compression, over the ${mib(WORKER_SIZE_LIMITS.uncompressed)} Cloudflare allows a Worker on every plan` }
      : size.gzipBytes > compressedLimit
        ? {
            needed: size.gzipBytes,
            limit: compressedLimit,
            what: `${mib(size.gzipBytes)} after compression (gzip), over the ${mib(compressedLimit)} Cloudflare allows a Worker on the Workers ${plan === 'paid' ? 'Paid' : 'Free'} plan (CLOUDFLARE_WORKERS_PLAN=${plan})`,
          }
        : null;
  if (!over) return;
  const remedies = [
    ...(plan === 'free' ? [`use the Workers Paid plan (${mib(WORKER_SIZE_LIMITS.compressed.paid)}; then set CLOUDFLARE_WORKERS_PLAN=paid)`] : []),
    'make the page templates or translations smaller',
    'or put some of the sites on another engine',
  ];
  throw new QuotaError(
    over.needed,
    over.limit,
    over.limit,
    `The worker script ${WORKER_SCRIPT_NAME} of account ${accountId} would be ${over.what}. It holds the page of ${sites} site(s) in each of ` +
      `their languages. Nothing was uploaded. To fit, ${remedies.join(', ')}.`,
  );
}
