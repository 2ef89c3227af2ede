import { Command, Option } from 'nest-commander';
import { ScheduledMaintenanceService } from '../../schedules/scheduled-maintenance.service.js';
import { cliActor } from '../actor.js';
import { CliOutput, type OutputOptions } from '../cli-output.js';
import { OutputCommand } from '../json-option.js';
import { windowView } from '../window-view.js';

interface ExtendOptions extends OutputOptions {
  by?: string;
  until?: string;
  timezone?: string;
}

@Command({
  name: 'extend',
  arguments: '<window-or-domain>',
  description: 'make an active maintenance window (its id, or a domain it covers) last longer: --by 30m, or --until a later time',
})
export class ExtendCommand extends OutputCommand<ExtendOptions> {
  constructor(
    private readonly schedules: ScheduledMaintenanceService,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run([target]: string[], options: ExtendOptions): Promise<void> {
    await this.output.run(
      options,
      async () => windowView(await this.schedules.extend(target, { by: options.by, until: options.until, timezone: options.timezone }, cliActor())),
      (window) => `"${window.title}" (${window.id}) now ends ${window.localEnd}.`,
    );
  }

  @Option({ flags: '--by <length>', description: 'how much longer, e.g. 30m, 2h, 1h30m' })
  parseBy(value: string): string {
    return value;
  }

  @Option({ flags: '--until <time>', description: 'a later end: ISO 8601 with an offset, or a local time (in --timezone, else the window\'s zone)' })
  parseUntil(value: string): string {
    return value;
  }

  @Option({ flags: '--timezone <zone>', description: 'IANA zone --until is read in' })
  parseTimezone(value: string): string {
    return value;
  }
}
