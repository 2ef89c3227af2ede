import { Option } from 'nest-commander';
import { ValidationError } from '../common/errors.js';
import type { SiteCriteria } from '../sites/site-selection.service.js';
import type { OutputOptions } from './cli-output.js';
import { OutputCommand } from './json-option.js';

export interface SelectorOptions extends OutputOptions {
  all?: boolean;
  apiKey?: string;
  inMaintenance?: boolean;
  active?: boolean;
  dryRun?: boolean;
}

/**
 * Commands that act on a selection of sites (`[domains...]` plus these options) declare the selectors
 * here once, so that enable, disable and reconcile read them the same way.
 */
export abstract class SelectorCommand<Options extends SelectorOptions = SelectorOptions> extends OutputCommand<Options> {
  @Option({ flags: '--all', description: 'every registered site' })
  parseAll(): boolean {
    return true;
  }

  @Option({ flags: '--api-key <name>', description: 'only the sites of this API key' })
  parseApiKey(value: string): string {
    return value;
  }

  @Option({ flags: '--in-maintenance', description: 'only the sites in maintenance' })
  parseInMaintenance(): boolean {
    return true;
  }

  @Option({ flags: '--active', description: 'only the sites not marked inactive' })
  parseActive(): boolean {
    return true;
  }

  @Option({ flags: '--dry-run', description: 'show what would be done, from the stored state, and change nothing' })
  parseDryRun(): boolean {
    return true;
  }
}

export interface BulkCommandOptions extends SelectorOptions {
  concurrency?: number;
}

/** A selector command that runs an action over the sites, several at once. */
export abstract class BulkActionCommand<Options extends BulkCommandOptions = BulkCommandOptions> extends SelectorCommand<Options> {
  @Option({ flags: '--concurrency <n>', description: 'how many sites at once (default: BULK_CONCURRENCY, 16)' })
  parseConcurrency(value: string): number {
    return parseConcurrency(value);
  }
}

export function siteCriteria(domains: string[], options: SelectorOptions): SiteCriteria {
  return {
    domains,
    all: options.all,
    apiKeyName: options.apiKey,
    inMaintenance: options.inMaintenance,
    active: options.active,
  };
}

/** Exactly one domain and no selector: the single-site form, which keeps its own output and errors. */
export function isSingleSite(domains: string[], options: SelectorOptions): boolean {
  return domains.length === 1 && !options.all && options.apiKey === undefined && !options.inMaintenance && !options.active && !options.dryRun;
}

/** For `--concurrency <n>`: a whole number from 1 to 256, the same bounds as BULK_CONCURRENCY. */
export function parseConcurrency(value: string): number {
  const concurrency = Number(value);
  if (!/^\d+$/.test(value.trim()) || concurrency < 1 || concurrency > 256) {
    throw new ValidationError(`Invalid --concurrency "${value}": expected a whole number from 1 to 256.`);
  }
  return concurrency;
}
