import { ApiTokensService } from '../../api-tokens/api-tokens.service.js';
import type { AdminServices } from '../admin-services.js';
import { formError } from '../notices.js';
import { type AdminAction, paramOf, recordMutation, textField } from './action-kit.js';

/** The service's fields that the form names differently. */
const PROPERTIES = { apiKeyName: 'apiKey' };

/** Creates the token like `maintenance api-tokens create`; the notice shows it this once. */
export function createTokenAction(services: AdminServices): AdminAction {
  return {
    handler: async (request, _response, context) => {
      if (request.method !== 'post') throw new Error('A token is created with a POST of the form.');
      try {
        const sites = textField(request, 'sites');
        const apiKey = textField(request, 'apiKey');
        const expires = textField(request, 'expires');
        const created = await services.get(ApiTokensService).create({
          name: textField(request, 'name') ?? '',
          role: textField(request, 'role') || undefined,
          sites: (sites ?? '').split(/[\s,]+/).filter(Boolean),
          apiKeyName: apiKey || undefined,
          expires: expires || undefined,
        });
        const { resource, h } = context;
        return {
          record: { params: { name: created.name }, errors: {} },
          notice: { message: `Created API token ${created.name}. Copy it now, it is not shown again: ${created.token}`, type: 'success' },
          redirectUrl: h.resourceUrl({ resourceId: resource.id() }),
        };
      } catch (error) {
        throw formError(error, PROPERTIES);
      }
    },
  };
}

export function revokeTokenAction(services: AdminServices): AdminAction {
  return {
    actionType: 'record',
    icon: 'Slash',
    isVisible: ({ record }) => !record?.param('revokedAt'),
    ...recordMutation({ confirm: 'Revoke', description: 'Every request with this token is refused (401) from now on.' }, async (_request, context) => {
      const revoked = await services.get(ApiTokensService).revoke(paramOf(context, 'name'));
      return { message: `Revoked API token ${revoked.name}.`, type: 'success' };
    }),
  };
}
