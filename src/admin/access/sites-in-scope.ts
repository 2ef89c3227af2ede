import type { CurrentAdmin } from 'adminjs';
import { siteInScope } from '../../access/site-scope.js';
import { ValidationError } from '../../common/errors.js';
import { SiteRepository } from '../../sites/site.repository.js';
import type { AdminServices } from '../admin-services.js';
import { restrictedScope } from './panel-user.js';

/** Refuses a form naming sites outside the user's scope (a window's sites), as if they did not exist for them. */
export async function assertSitesInScope(services: AdminServices, admin: CurrentAdmin | undefined, domains: string[], field: string): Promise<void> {
  const scope = restrictedScope(admin);
  if (!scope) return;
  const sites = await services.get(SiteRepository).findByDomains(domains);
  const outside = domains.filter((domain) => !sites.some((site) => site.domain === domain && siteInScope(scope, site)));
  if (outside.length) throw new ValidationError(`Not among your sites: ${outside.join(', ')}.`, { field });
}
