import { Command, Option } from 'nest-commander';
import { MaintenanceService } from '../../maintenance/maintenance.service.js';
import { SitesService } from '../../sites/sites.service.js';
import { cliActor } from '../actor.js';
import { CliOutput, type OutputOptions } from '../cli-output.js';
import { OutputCommand } from '../json-option.js';

interface EnableOptions extends OutputOptions {
  reason?: string;
}

@Command({ name: 'enable', arguments: '<domain>', description: 'put a site into maintenance' })
export class EnableCommand extends OutputCommand<EnableOptions> {
  constructor(
    private readonly sites: SitesService,
    private readonly maintenance: MaintenanceService,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run([domain]: string[], options: EnableOptions): Promise<void> {
    await this.output.run(
      options,
      async () => {
        const site = await this.sites.findByDomain(domain!);
        const result = await this.maintenance.enableMaintenance(site, options.reason?.trim() || null, cliActor());
        return { domain: result.domain, outcome: result.outcome, message: result.message, ruleIds: result.log.ruleIds };
      },
      (result) => result.message,
    );
  }

  @Option({ flags: '--reason <text>', description: 'why, for the audit log' })
  parseReason(value: string): string {
    return value;
  }
}
