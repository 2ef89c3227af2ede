import type { ActionRequest, NoticeMessage } from 'adminjs';
import { ScheduledMaintenanceService, type WindowRun } from '../../schedules/scheduled-maintenance.service.js';
import type { WindowInput } from '../../schedules/window-input.validation.js';
import { formatInZone } from '../../schedules/window-time.js';
import { assertSitesInScope } from '../access/sites-in-scope.js';
import { actorOf, type AdminServices } from '../admin-services.js';
import { formError } from '../notices.js';
import { type AdminAction, paramOf, recordMutation, savedResponse, textField } from './action-kit.js';

/** The form's values as the service's input (the same validation as `maintenance schedule add`). */
function inputOf(request: ActionRequest): WindowInput {
  const optional = (name: string) => textField(request, name) || null;
  const duration = textField(request, 'durationMinutes');
  return {
    title: textField(request, 'title') ?? '',
    description: optional('description'),
    reason: optional('reason'),
    sites: (textField(request, 'sites') ?? '').split(/[\s,]+/).filter(Boolean),
    start: textField(request, 'start') ?? '',
    end: optional('end'),
    durationMinutes: duration ? Number(duration) : null,
    timezone: optional('timezone'),
    recurrence: optional('recurrence'),
    autoEnable: negated(request, 'manualStart'),
    autoDisable: negated(request, 'manualEnd'),
  };
}

/**
 * The form asks the opposite questions ("leave the sites as they are at the start/end?"), because
 * AdminJS shows a new record's checkbox unticked and the service's default is to act.
 */
function negated(request: ActionRequest, name: string): boolean | undefined {
  const value: unknown = request.payload?.[name];
  return value === undefined ? undefined : !(value === true || value === 'true');
}

export function createWindowAction(services: AdminServices): AdminAction {
  return {
    handler: async (request, _response, context) => {
      if (request.method !== 'post') throw new Error('A window is planned with a POST of the form.');
      try {
        const input = inputOf(request);
        await assertSitesInScope(services, context.currentAdmin, input.sites, 'sites');
        const window = await services.get(ScheduledMaintenanceService).create(input, actorOf(context));
        return await savedResponse(context, window.id, `Planned "${window.title}" for ${window.sites.length} sites.`);
      } catch (error) {
        throw formError(error);
      }
    },
  };
}

export function editWindowAction(services: AdminServices): AdminAction {
  return {
    handler: async (request, _response, context) => {
      if (request.method !== 'post') return { record: context.record!.toJSON(context.currentAdmin) };
      try {
        const input = inputOf(request);
        await assertSitesInScope(services, context.currentAdmin, input.sites, 'sites');
        const { window, changed } = await services.get(ScheduledMaintenanceService).edit(paramOf(context, 'id'), input, actorOf(context));
        return await savedResponse(context, window.id, changed ? `Saved "${window.title}".` : `Nothing to change on "${window.title}".`);
      } catch (error) {
        throw formError(error);
      }
    },
  };
}

function runNotice(verb: string, run: WindowRun): NoticeMessage {
  const sites = run.sites;
  const counts = sites
    ? `: ${sites.enabled} enabled, ${sites.alreadyOn} already in maintenance, ${sites.disabled} disabled, ${sites.kept} kept, ${sites.failed} failed` +
      (sites.failures.length ? ` (${sites.failures.map((failure) => `${failure.domain}: ${failure.error}`).join('; ')})` : '')
    : '';
  return { message: `${verb} "${run.title}"${counts}.`, type: sites?.failed ? 'error' : 'success' };
}

export function startWindowAction(services: AdminServices): AdminAction {
  return {
    actionType: 'record',
    icon: 'Play',
    isVisible: ({ record }) => record?.param('status') === 'scheduled',
    ...recordMutation(
      { confirm: 'Start now', description: "Starts the window now, ahead of its time: its sites go into maintenance (those already in it are left as they are)." },
      async (_request, context) => runNotice('Started', await services.get(ScheduledMaintenanceService).startNow(paramOf(context, 'id'))),
    ),
  };
}

export function endWindowAction(services: AdminServices): AdminAction {
  return {
    actionType: 'record',
    icon: 'Square',
    isVisible: ({ record }) => record?.param('status') === 'active',
    ...recordMutation(
      { confirm: 'End now', description: 'Ends the window now: the sites it put into maintenance come out (a recurring window moves on to its next occurrence).' },
      async (_request, context) => runNotice('Ended', await services.get(ScheduledMaintenanceService).endNow(paramOf(context, 'id'), actorOf(context))),
    ),
  };
}

/** Makes an active window last longer (`maintenance extend`); the maintenance page's expected end follows. */
export function extendWindowAction(services: AdminServices): AdminAction {
  return {
    actionType: 'record',
    icon: 'Clock',
    isVisible: ({ record }) => record?.param('status') === 'active',
    ...recordMutation(
      {
        confirm: 'Extend',
        description: 'The window, and its sites’ maintenance, lasts this much longer.',
        inputs: [{ name: 'by', label: 'How much longer', type: 'text', required: true, help: 'e.g. 30m, 2h or 1h30m' }],
      },
      async (request, context) => {
        const window = await services.get(ScheduledMaintenanceService).extend(paramOf(context, 'id'), { by: textField(request, 'by') }, actorOf(context));
        return { message: `"${window.title}" now ends ${formatInZone(window.endsAt, window.timezone)}.`, type: 'success' };
      },
    ),
  };
}

export function cancelWindowAction(services: AdminServices): AdminAction {
  return {
    actionType: 'record',
    icon: 'XCircle',
    isVisible: ({ record }) => record?.param('status') === 'scheduled' || record?.param('status') === 'active',
    ...recordMutation(
      { confirm: 'Cancel window', description: 'An active window is ended first; a recurring one stops repeating.' },
      async (_request, context) => {
        const window = await services.get(ScheduledMaintenanceService).cancel(paramOf(context, 'id'), actorOf(context));
        return { message: `Cancelled "${window.title}".`, type: 'success' };
      },
    ),
  };
}

