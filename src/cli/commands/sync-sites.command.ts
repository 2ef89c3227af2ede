import { Command } from 'nest-commander';
import { BulkCommandRunner } from '../bulk-runner.js';
import { BulkActionCommand, type BulkCommandOptions } from '../site-selector.options.js';

@Command({
  name: 'sync',
  arguments: '[domains...]',
  description:
    "refresh what Cloudflare owns (zone id, account, status, plan, quota) of the named or selected sites, one zone at a time; " +
    'to discover new zones of a key, use sync-cloudflare',
})
export class SyncSitesCommand extends BulkActionCommand {
  constructor(private readonly bulk: BulkCommandRunner) {
    super();
  }

  async run(domains: string[], options: BulkCommandOptions): Promise<void> {
    await this.bulk.run('sync', domains, options);
  }
}
