import { Option, SubCommand } from 'nest-commander';
import { ValidationError } from '../../common/errors.js';
import { ScheduledMaintenanceService } from '../../schedules/scheduled-maintenance.service.js';
import { CliOutput, type OutputOptions, table } from '../cli-output.js';
import { OutputCommand } from '../json-option.js';
import { windowView } from '../window-view.js';

interface ScheduleListOptions extends OutputOptions {
  all?: boolean;
  upcoming?: string;
}

@SubCommand({ name: 'list', description: 'windows not finished yet, soonest first (--all: every window)' })
export class ScheduleListCommand extends OutputCommand<ScheduleListOptions> {
  constructor(
    private readonly schedules: ScheduledMaintenanceService,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run(_params: string[], options: ScheduleListOptions): Promise<void> {
    await this.output.run(
      options,
      async () => {
        const withinHours = options.upcoming === undefined ? undefined : hours(options.upcoming);
        return (await this.schedules.list({ all: options.all, withinHours })).map(windowView);
      },
      (windows) =>
        table(
          ['Id', 'Title', 'Status', 'Starts', 'Ends', 'Repeats', 'Sites'],
          windows.map((window) => [window.id, window.title, window.status, window.localStart, window.localEnd, window.recurrence, window.sites.length]),
        ),
    );
  }

  @Option({ flags: '--all', description: 'include completed, cancelled, failed and missed windows' })
  parseAll(): boolean {
    return true;
  }

  @Option({ flags: '--upcoming <hours>', description: 'only windows starting within this many hours' })
  parseUpcoming(value: string): string {
    return value;
  }
}

export function hours(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0 || parsed > 8760) {
    throw new ValidationError(`Invalid --upcoming "${value}": expected a number of hours above 0 (at most 8760).`);
  }
  return parsed;
}
