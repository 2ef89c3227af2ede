import { Command, Option } from 'nest-commander';
import { SiteSyncService } from '../../sites/site-sync.service.js';
import { cliActor } from '../actor.js';
import { CliOutput, type OutputOptions } from '../cli-output.js';
import { EXIT_FAILED } from '../exit-codes.js';
import { OutputCommand } from '../json-option.js';
import { renderSyncReport } from '../sync-report-view.js';

interface SyncOptions extends OutputOptions {
  apiKey?: string;
  force?: boolean;
  dryRun?: boolean;
}

@Command({
  name: 'sync-cloudflare',
  description:
    'create a site for every zone the active API keys can see, refresh what Cloudflare owns (zone id, account, status, ' +
    'paused, plan, Page Rule quota) and mark sites whose zone vanished inactive; never changes name, subdomains or ' +
    'maintenance URL. Exit code 1 if any key or zone failed.',
})
export class SyncCloudflareCommand extends OutputCommand<SyncOptions> {
  constructor(
    private readonly sync: SiteSyncService,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run(_params: string[], options: SyncOptions): Promise<void> {
    await this.output.run(
      options,
      async () => {
        const report = await this.sync.syncCloudflare({
          apiKeyName: options.apiKey,
          force: options.force,
          dryRun: options.dryRun,
          actor: cliActor(),
        });
        if (report.failed > 0 || report.keys.some((key) => !key.complete)) process.exitCode = EXIT_FAILED;
        return report;
      },
      renderSyncReport,
    );
  }

  @Option({ flags: '--api-key <name>', description: "only this key's zones (default: every active key)" })
  parseApiKey(value: string): string {
    return value;
  }

  @Option({
    flags: '--force',
    description: "rewrite Cloudflare's facts and last_synced_at on every listed site, even unchanged ones (settings are never touched)",
  })
  parseForce(): boolean {
    return true;
  }

  @Option({ flags: '--dry-run', description: 'print exactly what would change and write nothing' })
  parseDryRun(): boolean {
    return true;
  }
}
