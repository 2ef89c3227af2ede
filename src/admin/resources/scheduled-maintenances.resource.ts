import { type ActionResponse, type After, flat, type RecordJSON } from 'adminjs';
import { In } from 'typeorm';
import { ScheduledMaintenanceSite } from '../../schedules/scheduled-maintenance-site.entity.js';
import { type OccurrenceRecord, ScheduledMaintenance, WINDOW_STATUSES } from '../../schedules/scheduled-maintenance.entity.js';
import { formatInZone, localTime } from '../../schedules/window-time.js';
import {
  cancelWindowAction,
  createWindowAction,
  editWindowAction,
  endWindowAction,
  extendWindowAction,
  startWindowAction,
} from '../actions/schedule.actions.js';
import type { AdminServices } from '../admin-services.js';
import { OPERATE, READ } from '../access/panel-user.js';
import { windowsInScope } from '../access/scope-conditions.js';
import { SearchableResource } from '../searchable-resource.js';
import { type AdminResource, OFF } from './admin-resource.js';

const FORM_ONLY = { list: false, show: false, edit: true, filter: false };
const SHOWN = { list: false, show: true, edit: false, filter: false };
const TIME_HELP = 'A local time in the timezone below, e.g. 2026-12-06 02:00, or ISO 8601 with an offset (2026-12-06T02:00+01:00).';

/** What a window's page and form show beyond its columns: its sites, local times and past occurrences. */
const computedParams: After<ActionResponse> = async (response) => {
  const { record, records: list } = response as { record?: RecordJSON; records?: RecordJSON[] };
  const records = list ?? (record ? [record] : []);
  if (!records.length) return response;
  const entries = await ScheduledMaintenanceSite.find({ where: { windowId: In(records.map((each) => each.id)) }, relations: { site: true } });
  for (const { id, params } of records) {
    const own = entries.filter((entry) => entry.windowId === id).sort((a, b) => a.site.domain.localeCompare(b.site.domain));
    const timezone = String(params.timezone);
    params.sites = own.map((entry) => entry.site.domain).join(', ');
    params.siteCount = own.length;
    params.siteOutcomes = own.map((entry) => `${entry.site.domain}: ${entry.execution}${entry.detail ? ` (${entry.detail})` : ''}`).join('\n');
    params.start = localTime(new Date(params.startsAt as string | Date), timezone);
    params.end = localTime(new Date(params.endsAt as string | Date), timezone);
    params.localStart = formatInZone(new Date(params.startsAt as string | Date), timezone);
    params.localEnd = formatInZone(new Date(params.endsAt as string | Date), timezone);
    params.occurrences = ((flat.get(params, 'history') ?? []) as OccurrenceRecord[]).map(occurrenceLine).join('\n');
    params.manualStart = params.autoEnable === false;
    params.manualEnd = params.autoDisable === false;
  }
  return response;
};

function occurrenceLine(entry: OccurrenceRecord): string {
  return `${entry.startsAt}: ${entry.outcome} (${entry.sites.enabled} enabled, ${entry.sites.alreadyOn} already on, ${entry.sites.failed} failed)`;
}

/** Maintenance windows: planned, changed and run with the same service (and validation) as `maintenance schedule`. */
export function scheduledMaintenancesResource(services: AdminServices): AdminResource {
  return {
    resource: new SearchableResource(ScheduledMaintenance, { search: { property: 'search', columns: ['title'] }, exact: ['status'], scope: windowsInScope }),
    options: {
      navigation: { name: null, icon: 'Calendar' },
      titleProperty: 'title',
      sort: { sortBy: 'startsAt', direction: 'asc' },
      listProperties: ['title', 'status', 'localStart', 'localEnd', 'recurrence', 'siteCount', 'createdBy'],
      filterProperties: ['search', 'status', 'startsAt'],
      showProperties: [
        'title', 'status', 'localStart', 'localEnd', 'timezone', 'recurrence', 'reason', 'description', 'autoEnable', 'autoDisable',
        'actualStart', 'actualEnd', 'createdBy', 'lastError', 'siteOutcomes', 'occurrences',
      ],
      editProperties: ['title', 'sites', 'start', 'end', 'durationMinutes', 'timezone', 'recurrence', 'reason', 'description', 'manualStart', 'manualEnd'],
      properties: {
        search: { type: 'string', isVisible: { list: false, show: false, edit: false, filter: true } },
        status: { availableValues: WINDOW_STATUSES.map((value) => ({ value, label: value })) },
        title: { isRequired: true },
        sites: { type: 'textarea', isVisible: FORM_ONLY, isRequired: true, description: 'Domains of registered sites, separated by commas or new lines.' },
        start: { type: 'string', isVisible: FORM_ONLY, isRequired: true, description: TIME_HELP },
        end: { type: 'string', isVisible: FORM_ONLY, description: `${TIME_HELP} Or leave it empty and give a duration.` },
        durationMinutes: { type: 'number', isVisible: FORM_ONLY, description: 'Instead of an end: the length in minutes.' },
        timezone: { description: 'IANA zone the times and the recurrence are read in, e.g. Europe/Berlin (default UTC).' },
        recurrence: { description: 'Optional cron expression (minute hour day month weekday), e.g. "0 2 * * 0" for every Sunday 02:00.' },
        reason: { type: 'textarea', description: 'Shown to visitors on the maintenance page; also the audit reason.' },
        description: { type: 'textarea' },
        manualStart: { type: 'boolean', isVisible: FORM_ONLY },
        manualEnd: { type: 'boolean', isVisible: FORM_ONLY },
        localStart: { type: 'string', isVisible: { list: true, show: true, edit: false, filter: false } },
        localEnd: { type: 'string', isVisible: { list: true, show: true, edit: false, filter: false } },
        siteCount: { type: 'number', isVisible: { list: true, show: false, edit: false, filter: false } },
        siteOutcomes: { type: 'textarea', isVisible: SHOWN },
        occurrences: { type: 'textarea', isVisible: SHOWN },
        lastError: { type: 'textarea' },
        history: { isVisible: false },
        claimedBy: { isVisible: false },
        claimedAt: { isVisible: false },
        remindedFor: { isVisible: false },
      },
      actions: {
        list: { after: computedParams },
        show: { after: computedParams },
        edit: { ...editWindowAction(services), after: computedParams },
        new: { ...createWindowAction(services), after: computedParams },
        delete: OFF,
        bulkDelete: OFF,
        startNow: startWindowAction(services),
        endNow: endWindowAction(services),
        extendWindow: extendWindowAction(services),
        cancelWindow: cancelWindowAction(services),
      },
    },
    permissions: {
      list: READ,
      search: READ,
      show: READ,
      new: OPERATE,
      edit: OPERATE,
      startNow: OPERATE,
      endNow: OPERATE,
      extendWindow: OPERATE,
      cancelWindow: OPERATE,
    },
    labels: {
      name: 'Scheduled maintenance',
      properties: {
        search: 'Title',
        localStart: 'Starts',
        localEnd: 'Ends',
        siteCount: 'Sites',
        sites: 'Sites',
        start: 'Start',
        end: 'End',
        durationMinutes: 'Duration (minutes)',
        reason: 'Public message',
        autoEnable: 'Puts sites into maintenance at the start',
        autoDisable: 'Takes them out at the end',
        manualStart: 'Do not put the sites into maintenance at the start (I will)',
        manualEnd: 'Leave the sites in maintenance at the end (I will take them out)',
        actualStart: 'Started',
        actualEnd: 'Ended',
        createdBy: 'Planned by',
        lastError: 'Last error',
        siteOutcomes: 'What it did to each site',
        occurrences: 'Past occurrences',
      },
      actions: { startNow: 'Start now', endNow: 'End now', extendWindow: 'Extend', cancelWindow: 'Cancel' },
    },
  };
}
