import { ReconcileService } from '../../maintenance/reconcile.service.js';
import type { AdminServices } from '../admin-services.js';
import { Components } from '../components/components.js';
import { errorNotice } from '../notices.js';
import { type AdminAction, CLOUDFLARE_MENU } from './action-kit.js';
import { siteOfRecord } from './site-of-record.js';

/**
 * Reads the zone's rules and names any drift; changes nothing, so a GET may do it. The route's own GET only
 * returns the record; the view then asks with `live=true`, so that opening the page calls Cloudflare once.
 */
export function liveStatusAction(services: AdminServices): AdminAction {
  return {
    actionType: 'record',
    icon: 'Activity',
    parent: CLOUDFLARE_MENU,
    component: Components.LiveStatus,
    handler: async (request, _response, context) => {
      const record = context.record!.toJSON(context.currentAdmin);
      if (request.query?.live !== 'true') return { record };
      try {
        const site = await siteOfRecord(services, context);
        const liveStatus = await services.get(ReconcileService).inspect(site);
        const notice = liveStatus.drift.length
          ? { message: `${site.domain}: ${liveStatus.drift.length} difference(s) from Cloudflare.`, type: 'error' as const }
          : { message: `${site.domain} is in sync with Cloudflare.`, type: 'success' as const };
        return { record, liveStatus, notice };
      } catch (error) {
        return { record, notice: errorNotice(error) };
      }
    },
  };
}
