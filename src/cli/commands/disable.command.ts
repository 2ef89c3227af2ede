import { Command } from 'nest-commander';
import { MaintenanceService } from '../../maintenance/maintenance.service.js';
import { SitesService } from '../../sites/sites.service.js';
import { cliActor } from '../actor.js';
import { BulkCommandRunner } from '../bulk-runner.js';
import { CliOutput } from '../cli-output.js';
import { BulkActionCommand, type BulkCommandOptions, isSingleSite } from '../site-selector.options.js';

@Command({
  name: 'disable',
  arguments: '[domains...]',
  description: 'take one site, several, or a selection (--all, --api-key, --in-maintenance, --active) out of maintenance',
})
export class DisableCommand extends BulkActionCommand {
  constructor(
    private readonly sites: SitesService,
    private readonly maintenance: MaintenanceService,
    private readonly bulk: BulkCommandRunner,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run(domains: string[], options: BulkCommandOptions): Promise<void> {
    if (!isSingleSite(domains, options)) return this.bulk.run('disable', domains, options);
    await this.output.run(
      options,
      async () => {
        const site = await this.sites.findByDomain(domains[0]);
        const result = await this.maintenance.disableMaintenance(site, cliActor());
        return { domain: result.domain, outcome: result.outcome, message: result.message, ruleIds: result.log.ruleIds };
      },
      (result) => result.message,
    );
  }
}
