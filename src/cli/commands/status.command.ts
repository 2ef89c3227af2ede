import { Command } from 'nest-commander';
import { MaintenanceService } from '../../maintenance/maintenance.service.js';
import { SitesService } from '../../sites/sites.service.js';
import { CliOutput, type OutputOptions, table, when } from '../cli-output.js';
import { OutputCommand } from '../json-option.js';

@Command({
  name: 'status',
  arguments: '[domain]',
  description: 'show whether a site (or every site) is in maintenance',
})
export class StatusCommand extends OutputCommand {
  constructor(
    private readonly sites: SitesService,
    private readonly maintenance: MaintenanceService,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run([domain]: string[], options: OutputOptions): Promise<void> {
    await this.output.run(
      options,
      async () => {
        const sites = domain ? [await this.sites.findByDomain(domain)] : await this.sites.list();
        return Promise.all(sites.map((site) => this.maintenance.getStatus(site)));
      },
      (statuses) =>
        table(
          ['Domain', 'Maintenance', 'Since', 'Reason', 'Rules'],
          statuses.map((status) => [
            status.domain,
            status.inMaintenance ? 'ON' : status.state,
            when(status.since),
            status.reason,
            status.rules.map((rule) => rule.target).join(' '),
          ]),
        ),
    );
  }
}
