import type { NoticeMessage } from 'adminjs';
import { describeSiteSync, type SyncReport, SiteSyncService } from '../../sites/site-sync.service.js';
import { actorOf, type AdminServices } from '../admin-services.js';
import { type AdminAction, CLOUDFLARE_MENU, recordMutation, resourceMutation } from './action-kit.js';
import { siteOfRecord } from './site-of-record.js';
import { SITE_FORMS } from './site-maintenance.actions.js';

export function syncSiteAction(services: AdminServices): AdminAction {
  return {
    actionType: 'record',
    icon: 'RefreshCw',
    parent: CLOUDFLARE_MENU,
    ...recordMutation(SITE_FORMS.sync, async (_request, context) => {
      const site = await siteOfRecord(services, context);
      const result = await services.get(SiteSyncService).syncSite(site, actorOf(context));
      return { message: describeSiteSync(result), type: result.outcome === 'unchanged' ? 'info' : 'success' };
    }),
  };
}

/** Every zone of every active key: new sites for new zones, facts refreshed, vanished zones marked inactive. */
export function discoverAllSitesAction(services: AdminServices): AdminAction {
  const form = {
    confirm: 'Discover sites',
    description: 'Lists the zones of every active API key: adds a site for each new zone and marks sites whose zone is gone as inactive.',
  };
  return {
    actionType: 'resource',
    icon: 'DownloadCloud',
    ...resourceMutation(form, async (_request, context) => syncReportNotice(await services.get(SiteSyncService).syncCloudflare({ actor: actorOf(context) }))),
  };
}

export function syncReportNotice(report: SyncReport): NoticeMessage {
  const problems = [
    ...report.keys.filter((key) => key.error).map((key) => `API key "${key.apiKey}": ${key.error}`),
    ...report.failures.map((failure) => `${failure.zone}: ${failure.message}`),
  ];
  const summary =
    `${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged, ${report.deactivated} deactivated, ` +
    `${report.failed} failed (${report.keys.map((key) => `"${key.apiKey}": ${key.zones} zones`).join(', ')}).`;
  return { message: [summary, ...problems].join(' '), type: problems.length ? 'error' : 'success' };
}
