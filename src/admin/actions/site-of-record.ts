import type { ActionContext } from 'adminjs';
import type { CloudflareSite } from '../../sites/cloudflare-site.entity.js';
import { SitesService } from '../../sites/sites.service.js';
import type { AdminServices } from '../admin-services.js';
import { paramOf } from './action-kit.js';

/** The site of the action's record, read afresh through the service the CLI uses. */
export function siteOfRecord(services: AdminServices, context: ActionContext): Promise<CloudflareSite> {
  return services.get(SitesService).findByDomain(paramOf(context, 'domain'));
}
