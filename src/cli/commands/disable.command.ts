import { Command } from 'nest-commander';
import { MaintenanceService } from '../../maintenance/maintenance.service.js';
import { SitesService } from '../../sites/sites.service.js';
import { cliActor } from '../actor.js';
import { CliOutput, type OutputOptions } from '../cli-output.js';
import { OutputCommand } from '../json-option.js';

@Command({ name: 'disable', arguments: '<domain>', description: 'take a site out of maintenance' })
export class DisableCommand extends OutputCommand {
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
        const site = await this.sites.findByDomain(domain!);
        const result = await this.maintenance.disableMaintenance(site, cliActor());
        return { domain: result.domain, outcome: result.outcome, message: result.message, ruleIds: result.log.ruleIds };
      },
      (result) => result.message,
    );
  }
}
