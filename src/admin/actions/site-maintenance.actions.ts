import type { ActionContext, ActionRequest, NoticeMessage } from 'adminjs';
import { parseReason } from '../../common/free-text.validation.js';
import { type BulkAction, BulkOperationsService, type BulkReport } from '../../maintenance/bulk-operations.service.js';
import type { MaintenanceResult } from '../../maintenance/maintenance-result.js';
import { MaintenanceService } from '../../maintenance/maintenance.service.js';
import { ReconcileService } from '../../maintenance/reconcile.service.js';
import { ScheduledMaintenanceService } from '../../schedules/scheduled-maintenance.service.js';
import { formatInZone } from '../../schedules/window-time.js';
import { SiteSelectionService } from '../../sites/site-selection.service.js';
import { actorOf, type AdminServices } from '../admin-services.js';
import { type ActionForm, type AdminAction, bulkMutation, CLOUDFLARE_MENU, type FormInput, recordMutation, textField } from './action-kit.js';
import { siteOfRecord } from './site-of-record.js';

const REASON: FormInput = { name: 'reason', label: 'Reason (kept in the audit log)', type: 'textarea' };
/** Maintenance for a set time: a one-off window started now, which the scheduler ends (ScheduledMaintenanceService.startTimed). */
const SET_TIME: FormInput[] = [
  { name: 'for', label: 'For (optional)', type: 'text', help: 'How long, e.g. 2h, 30m or 1h30m; the site comes out by itself then.' },
  { name: 'until', label: 'Or until (optional)', type: 'text', help: 'An end time: 2026-12-06 03:00 in the timezone below, or ISO 8601 with an offset.' },
  { name: 'timezone', label: 'Timezone (optional)', type: 'text', help: 'IANA zone of the end time and of the page\'s expected end, e.g. Europe/Berlin (default UTC).' },
];

export const SITE_FORMS: Record<BulkAction, ActionForm> = {
  enable: {
    confirm: 'Enable maintenance',
    description: 'Visitors will be redirected to the maintenance page until maintenance is disabled, or for a set time if you give one.',
    inputs: [REASON, ...SET_TIME],
  },
  disable: { confirm: 'Disable maintenance', description: 'Our Page Rules are removed and visitors reach the site again.' },
  sync: { confirm: 'Sync with Cloudflare', description: "Refreshes the zone's facts (id, status, plan, quota); your settings stay as they are." },
};

/** The set time the Enable form asks for, or null when none was given (maintenance until disabled). */
function setTimeOf(request: ActionRequest): { for?: string; until?: string; timezone?: string } | null {
  const [forText, until, timezone] = ['for', 'until', 'timezone'].map((name) => textField(request, name) || undefined);
  return forText || until || timezone ? { for: forText, until, timezone } : null;
}

async function enableForSetTime(
  services: AdminServices,
  domains: string[],
  request: ActionRequest,
  context: ActionContext,
  setTime: NonNullable<ReturnType<typeof setTimeOf>>,
): Promise<NoticeMessage> {
  const { window, run } = await services.get(ScheduledMaintenanceService).startTimed({ domains, reason: reasonOf(request), ...setTime }, actorOf(context));
  const sites = run.sites;
  const failures = sites?.failures.map((failure) => `${failure.domain}: ${failure.error}`) ?? [];
  const counts = `${sites?.enabled ?? 0} enabled, ${sites?.alreadyOn ?? 0} already in maintenance, ${sites?.failed ?? 0} failed`;
  const message =
    window.status === 'active'
      ? `In maintenance until ${formatInZone(window.endsAt, window.timezone)}: ${counts}; the window "${window.title}" takes them out then.`
      : `Not in maintenance: the window "${window.title}" is ${window.status} (${counts}).`;
  return { message: [message, ...failures].join(' '), type: sites?.failed ? 'error' : 'success' };
}

function reasonOf(request: ActionRequest): string | null {
  return parseReason(textField(request, 'reason'));
}

function resultNotice(result: MaintenanceResult): NoticeMessage {
  return { message: result.message, type: result.outcome === 'skipped' ? 'info' : 'success' };
}

export function enableMaintenanceAction(services: AdminServices): AdminAction {
  return {
    actionType: 'record',
    icon: 'PauseCircle',
    isVisible: ({ record }) => record?.param('maintenanceState') !== 'on',
    ...recordMutation(SITE_FORMS.enable, async (request, context) => {
      const site = await siteOfRecord(services, context);
      const setTime = setTimeOf(request);
      if (setTime) return enableForSetTime(services, [site.domain], request, context, setTime);
      return resultNotice(await services.get(MaintenanceService).enableMaintenance(site, reasonOf(request), actorOf(context)));
    }),
  };
}

export function disableMaintenanceAction(services: AdminServices): AdminAction {
  return {
    actionType: 'record',
    icon: 'PlayCircle',
    isVisible: ({ record }) => record?.param('maintenanceState') !== 'off',
    ...recordMutation(SITE_FORMS.disable, async (_request, context) => {
      const site = await siteOfRecord(services, context);
      return resultNotice(await services.get(MaintenanceService).disableMaintenance(site, actorOf(context)));
    }),
  };
}

export function reconcileAction(services: AdminServices): AdminAction {
  const form: ActionForm = {
    confirm: 'Reconcile',
    description:
      "Compares the site with its zone's rules and repairs any difference (missing or left-over rules, interrupted work), " +
      'and closes audit rows that a crashed process left pending.',
  };
  return {
    actionType: 'record',
    icon: 'Tool',
    parent: CLOUDFLARE_MENU,
    ...recordMutation(form, async (_request, context) => {
      const site = await siteOfRecord(services, context);
      const { results, interruptedLogsClosed } = await services.get(ReconcileService).run({ domains: [site.domain] }, { actor: actorOf(context) });
      const result = results[0];
      const failed = result.outcome === 'failed' || result.outcome === 'busy' || result.outcome === 'reported';
      const closed = interruptedLogsClosed ? `; ${interruptedLogsClosed} interrupted audit row(s) closed.` : '';
      return { message: `${result.domain}: ${result.message}${closed}`, type: failed ? 'error' : 'success' };
    }),
  };
}

/** enable, disable or sync over the selected sites, each on its own: one site's failure is reported, not fatal. */
export function bulkSiteAction(services: AdminServices, action: BulkAction): AdminAction {
  return {
    actionType: 'bulk',
    icon: action === 'enable' ? 'PauseCircle' : action === 'disable' ? 'PlayCircle' : 'RefreshCw',
    ...bulkMutation(SITE_FORMS[action], async (request, context) => {
      const domains = context.records!.map((record) => String(record.param('domain')));
      const setTime = action === 'enable' ? setTimeOf(request) : null;
      if (setTime) return enableForSetTime(services, domains, request, context, setTime);
      const sites = await services.get(SiteSelectionService).select({ domains });
      const report = await services.get(BulkOperationsService).run(action, sites, { actor: actorOf(context), reason: reasonOf(request) });
      return bulkNotice(report);
    }),
  };
}

const LISTED_FAILURES = 5;

function bulkNotice({ action, counts, results }: BulkReport): NoticeMessage {
  const failures = results.filter((result) => result.outcome === 'failed');
  const listed = failures.slice(0, LISTED_FAILURES).map((failure) => failure.message);
  const more = failures.length > LISTED_FAILURES ? [`…and ${failures.length - LISTED_FAILURES} more (see the maintenance logs).`] : [];
  const summary = `${SITE_FORMS[action].confirm} on ${counts.total} site(s): ${counts.done} done, ${counts.skipped} unchanged, ${counts.failed} failed.`;
  return { message: [summary, ...listed, ...more].join(' '), type: counts.failed ? 'error' : 'success' };
}
