import { Command, Option } from 'nest-commander';
import { parseReason } from '../../common/free-text.validation.js';
import { MaintenanceService } from '../../maintenance/maintenance.service.js';
import { SitesService } from '../../sites/sites.service.js';
import { cliActor } from '../actor.js';
import { BulkCommandRunner } from '../bulk-runner.js';
import { CliOutput } from '../cli-output.js';
import { BulkActionCommand, type BulkCommandOptions, isSingleSite } from '../site-selector.options.js';

interface EnableOptions extends BulkCommandOptions {
  reason?: string;
}

@Command({
  name: 'enable',
  arguments: '[domains...]',
  description: 'put one site, several, or a selection (--all, --api-key, --in-maintenance, --active) into maintenance',
})
export class EnableCommand extends BulkActionCommand<EnableOptions> {
  constructor(
    private readonly sites: SitesService,
    private readonly maintenance: MaintenanceService,
    private readonly bulk: BulkCommandRunner,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run(domains: string[], options: EnableOptions): Promise<void> {
    let reason: string | null;
    try {
      reason = parseReason(options.reason);
    } catch (error) {
      return this.output.fail(options, error);
    }
    if (!isSingleSite(domains, options)) return this.bulk.run('enable', domains, options, reason);
    await this.output.run(
      options,
      async () => {
        const site = await this.sites.findByDomain(domains[0]);
        const result = await this.maintenance.enableMaintenance(site, reason, cliActor());
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
