import { Command, Option } from 'nest-commander';
import { MaintenanceService } from '../../maintenance/maintenance.service.js';
import { ReconcileService } from '../../maintenance/reconcile.service.js';
import { bypassSummary, SiteAccessResolver } from '../../sites/site-access.js';
import { engineExpressesAccess } from '../../sites/site-engine.js';
import { SitesService } from '../../sites/sites.service.js';
import { CliOutput, inline, type OutputOptions, table, when } from '../cli-output.js';
import { OutputCommand } from '../json-option.js';

interface StatusOptions extends OutputOptions {
  live?: boolean;
}

@Command({
  name: 'status',
  arguments: '[domain]',
  description: 'show whether a site (or every site) is in maintenance; --live compares with the rules in Cloudflare',
})
export class StatusCommand extends OutputCommand<StatusOptions> {
  constructor(
    private readonly sites: SitesService,
    private readonly maintenance: MaintenanceService,
    private readonly reconcile: ReconcileService,
    private readonly access: SiteAccessResolver,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run([domain]: string[], options: StatusOptions): Promise<void> {
    const sites = async () => (domain ? [await this.sites.findByDomain(domain)] : await this.sites.list());
    if (options.live) {
      await this.output.run(
        options,
        async () => Promise.all((await sites()).map((site) => this.reconcile.inspect(site))),
        (statuses) =>
          statuses
            .map((status) => {
              const head = `${status.domain}: ${status.inMaintenance ? 'in maintenance' : status.state}${status.busy ? ' (operation in progress)' : ''}`;
              const rules = table(
                ['Rule', 'Target', 'Status', 'Priority', 'Ours'],
                status.zoneRules.map((rule) => [rule.id, rule.target, rule.status, rule.priority, rule.ours ? 'yes' : '']),
              );
              const drift = status.drift.length
                ? status.drift.map((entry) => `  DRIFT ${entry.kind}: ${inline(entry.message)}`).join('\n')
                : '  in sync with Cloudflare';
              return `${head}\n${rules}\n${drift}`;
            })
            .join('\n\n'),
      );
      return;
    }
    await this.output.run(
      options,
      async () =>
        Promise.all((await sites()).map(async (site) => ({ ...(await this.maintenance.getStatus(site)), ...this.access.view(site), pageBranding: site.pageBranding }))),
      (statuses) =>
        table(
          ['Domain', 'Maintenance', 'Since', 'Reason', 'Engine', 'Bypass', 'Rules'],
          statuses.map((status) => [
            status.domain,
            status.inMaintenance ? 'ON' : status.state,
            when(status.since),
            status.reason,
            status.engine,
            engineExpressesAccess(status.engine) ? bypassSummary(status) : '',
            status.rules.map((rule) => rule.target).join(' '),
          ]),
        ),
    );
  }

  @Option({ flags: '--live', description: 'read the rules in Cloudflare and name any drift' })
  parseLive(): boolean {
    return true;
  }
}
