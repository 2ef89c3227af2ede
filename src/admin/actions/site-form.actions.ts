import type { ActionContext, ActionRequest, RecordActionResponse } from 'adminjs';
import { ApiKeysService } from '../../api-keys/api-keys.service.js';
import { type SiteChanges, SiteSettingsService } from '../../maintenance/site-settings.service.js';
import { SitesService } from '../../sites/sites.service.js';
import { actorOf, type AdminServices } from '../admin-services.js';
import { formError } from '../notices.js';
import { type AdminAction, deletion, textField } from './action-kit.js';
import { brandingFromForm } from './page-branding-form.js';
import { siteOfRecord } from './site-of-record.js';

/** Where a service's input and the form's property are named differently. */
const PROPERTIES = { apiKeyName: 'apiKeyId', bypassIps: 'bypassIpList', bypassSecret: 'bypassIpList', excludedPaths: 'excludedPathList' };

/** The edit form's list fields: empty for the default, "none" for an empty list, else the list as typed. */
function listField(request: ActionRequest, name: string): string | [] | null | undefined {
  const value = textField(request, name);
  if (value === undefined) return undefined;
  if (value === '') return null;
  return value.toLowerCase() === 'none' ? [] : value;
}

/** The form's key, picked by id, as the services name keys; none picked: undefined. */
async function apiKeyName(services: AdminServices, request: ActionRequest): Promise<string | undefined> {
  const id = textField(request, 'apiKeyId');
  return id ? (await services.get(ApiKeysService).findById(id)).name : undefined;
}

async function savedResponse(context: ActionContext, recordId: string, message: string): Promise<RecordActionResponse> {
  const { resource, currentAdmin, h } = context;
  const record = await resource.findOne(recordId, context);
  return {
    record: record!.toJSON(currentAdmin),
    notice: { message, type: 'success' },
    redirectUrl: h.recordActionUrl({ resourceId: resource.id(), recordId, actionName: 'show' }),
  };
}

/** `sites add`: validated like the CLI, and the zone confirmed with Cloudflare before anything is saved. */
export function createSiteAction(services: AdminServices): AdminAction {
  return {
    handler: async (request, _response, context) => {
      if (request.method !== 'post') throw new Error('A site is added with a POST of the form.');
      try {
        const optional = (name: string) => textField(request, name) || undefined;
        const site = await services.get(SitesService).add({
          domain: textField(request, 'domain') ?? '',
          name: optional('name'),
          subdomains: optional('subdomains'),
          maintenanceUrl: optional('maintenanceUrl'),
          zoneId: optional('zoneId'),
          engine: optional('engine'),
          apiKeyName: await apiKeyName(services, request),
        });
        return await savedResponse(context, site.id, `Added ${site.domain}.`);
      } catch (error) {
        throw formError(error, PROPERTIES);
      }
    },
  };
}

/**
 * `sites update`: an emptied subdomain list means every subdomain and an emptied maintenance URL the
 * default page; for a site in maintenance, changed rules are applied in Cloudflare before anything is saved.
 */
export function editSiteAction(services: AdminServices): AdminAction {
  return {
    handler: async (request, _response, context) => {
      if (request.method !== 'post') return { record: context.record!.toJSON(context.currentAdmin) };
      try {
        const emptyIsNull = (name: string) => {
          const value = textField(request, name);
          return value === '' ? null : value;
        };
        const changes: SiteChanges = {
          name: textField(request, 'name'),
          subdomains: emptyIsNull('subdomains'),
          maintenanceUrl: emptyIsNull('maintenanceUrl'),
          active: typeof request.payload?.isActive === 'boolean' ? request.payload.isActive : undefined,
          apiKeyName: await apiKeyName(services, request),
          engine: textField(request, 'engine') || undefined,
          bypassIps: listField(request, 'bypassIpList'),
          excludedPaths: listField(request, 'excludedPathList'),
          page: brandingFromForm((name) => textField(request, name)),
        };
        const site = await siteOfRecord(services, context);
        const { changed, rulesReapplied } = await services.get(SiteSettingsService).update(site, changes, actorOf(context));
        const message = changed.length
          ? `Saved ${site.domain}: ${changed.join(', ')} changed${rulesReapplied ? '; its rules in Cloudflare were updated to match' : ''}.`
          : `Nothing to change on ${site.domain}.`;
        return await savedResponse(context, site.id, message);
      } catch (error) {
        throw formError(error, PROPERTIES);
      }
    },
  };
}

/** Refused while the site is in maintenance: its rules would stay in Cloudflare with nobody to remove them. */
export function removeSiteAction(services: AdminServices): AdminAction {
  return deletion(async (_request, context) => {
    const site = await siteOfRecord(services, context);
    await services.get(SiteSettingsService).remove(site);
    return { message: `Removed ${site.domain}; its audit rows are kept.`, type: 'success' };
  });
}
