import { Command } from 'nest-commander';
import { ReconcileService } from '../../maintenance/reconcile.service.js';
import { cliActor } from '../actor.js';
import { CliOutput, table } from '../cli-output.js';
import { SelectorCommand, type SelectorOptions, siteCriteria } from '../site-selector.options.js';

@Command({
  name: 'reconcile',
  arguments: '[domains...]',
  description:
    'compare stored state with the rules in Cloudflare and repair drift (every site unless domains or selectors are given); ' +
    'also closes audit rows left pending by a crashed process',
})
export class ReconcileCommand extends SelectorCommand {
  constructor(
    private readonly reconcile: ReconcileService,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run(domains: string[], options: SelectorOptions): Promise<void> {
    await this.output.run(
      options,
      async () => {
        const report = await this.reconcile.run(siteCriteria(domains, options), { dryRun: options.dryRun, actor: cliActor() });
        if (report.results.some((result) => result.outcome === 'failed')) process.exitCode = 1;
        return report;
      },
      ({ dryRun, results, interruptedLogsClosed }) =>
        [
          table(
            ['Domain', 'Outcome', 'Details'],
            results.map((result) => [result.domain, result.outcome.replace('_', ' '), result.message]),
          ),
          `${interruptedLogsClosed} interrupted audit row(s) ${dryRun ? 'would be' : 'were'} closed.`,
        ].join('\n'),
    );
  }
}
