import { Option, SubCommand } from 'nest-commander';
import { ValidationError } from '../../common/errors.js';
import { ScheduledMaintenanceService } from '../../schedules/scheduled-maintenance.service.js';
import { cliActor } from '../actor.js';
import { CliOutput, type OutputOptions } from '../cli-output.js';
import { OutputCommand } from '../json-option.js';
import { parseDuration, windowView } from '../window-view.js';

interface ScheduleAddOptions extends OutputOptions {
  title?: string;
  sites?: string;
  start?: string;
  end?: string;
  duration?: string;
  timezone?: string;
  recurrence?: string;
  reason?: string;
  description?: string;
  autoEnable?: boolean;
  autoDisable?: boolean;
}

@SubCommand({
  name: 'add',
  description: 'plan a window: --title, --sites, --start and --end or --duration (local times need --timezone)',
})
export class ScheduleAddCommand extends OutputCommand<ScheduleAddOptions> {
  constructor(
    private readonly schedules: ScheduledMaintenanceService,
    private readonly output: CliOutput,
  ) {
    super();
  }

  async run(_params: string[], options: ScheduleAddOptions): Promise<void> {
    await this.output.run(
      options,
      async () => {
        let durationMinutes: number | undefined;
        try {
          durationMinutes = options.duration === undefined ? undefined : parseDuration(options.duration);
        } catch (error) {
          throw new ValidationError((error as Error).message);
        }
        const window = await this.schedules.create(
          {
            title: options.title ?? '',
            sites: (options.sites ?? '').split(',').map((domain) => domain.trim()).filter(Boolean),
            start: options.start ?? '',
            end: options.end,
            durationMinutes,
            timezone: options.timezone,
            recurrence: options.recurrence,
            reason: options.reason,
            description: options.description,
            autoEnable: options.autoEnable,
            autoDisable: options.autoDisable,
          },
          cliActor(),
        );
        return windowView(window);
      },
      (window) =>
        `Scheduled "${window.title}" (${window.id}): ${window.sites.length} sites, ${window.localStart} to ${window.localEnd}` +
        `${window.recurrence ? `, then again on "${window.recurrence}" (${window.timezone})` : ''}.`,
    );
  }

  @Option({ flags: '--title <title>', description: 'what the window is for', required: true })
  parseTitle(value: string): string {
    return value;
  }

  @Option({ flags: '--sites <domains>', description: 'comma-separated domains of registered sites', required: true })
  parseSites(value: string): string {
    return value;
  }

  @Option({ flags: '--start <time>', description: 'ISO 8601 with an offset (2026-12-06T02:00+01:00) or a local time with --timezone', required: true })
  parseStart(value: string): string {
    return value;
  }

  @Option({ flags: '--end <time>', description: 'end (of the first occurrence, when recurring); or use --duration' })
  parseEnd(value: string): string {
    return value;
  }

  @Option({ flags: '--duration <length>', description: 'length instead of --end: minutes (90) or 1h30m' })
  parseDuration(value: string): string {
    return value;
  }

  @Option({ flags: '--timezone <zone>', description: 'IANA zone for local times and the recurrence (default UTC)' })
  parseTimezone(value: string): string {
    return value;
  }

  @Option({ flags: '--recurrence <cron>', description: 'repeat on a cron expression read in --timezone, e.g. "0 2 * * 0" (Sundays 02:00)' })
  parseRecurrence(value: string): string {
    return value;
  }

  @Option({ flags: '--reason <message>', description: 'public message on the maintenance page (and the audit reason)' })
  parseReason(value: string): string {
    return value;
  }

  @Option({ flags: '--description <text>', description: 'internal notes' })
  parseDescription(value: string): string {
    return value;
  }

  @Option({ flags: '--no-auto-enable', description: 'do not put the sites into maintenance at the start' })
  parseNoAutoEnable(): boolean {
    return false;
  }

  @Option({ flags: '--no-auto-disable', description: 'leave the sites in maintenance at the end' })
  parseNoAutoDisable(): boolean {
    return false;
  }
}
