import { ApiKeysService } from '../../api-keys/api-keys.service.js';
import type { AdminServices } from '../admin-services.js';
import { formError } from '../notices.js';
import { type AdminAction, deletion, paramOf, textField } from './action-kit.js';

/** The token is verified with Cloudflare before anything is saved, then only ever shown masked. */
export function createKeyAction(services: AdminServices): AdminAction {
  return {
    handler: async (request, _response, context) => {
      if (request.method !== 'post') throw new Error('An API key is added with a POST of the form.');
      const { resource, currentAdmin, h } = context;
      try {
        const key = await services.get(ApiKeysService).add({
          name: textField(request, 'name') ?? '',
          token: textField(request, 'token') ?? '',
          makeDefault: request.payload?.isDefault === true,
        });
        const record = await resource.findOne(key.id, context);
        return {
          record: record!.toJSON(currentAdmin),
          notice: { message: `Saved API key "${key.name}" (${key.token})${key.isDefault ? ' as the default' : ''}.`, type: 'success' },
          redirectUrl: h.resourceUrl({ resourceId: resource.id() }),
        };
      } catch (error) {
        throw formError(error);
      }
    },
  };
}

/** Refused while any site uses the key. */
export function removeKeyAction(services: AdminServices): AdminAction {
  return deletion(async (_request, context) => {
    const key = await services.get(ApiKeysService).remove(paramOf(context, 'name'));
    return { message: `Removed API key "${key.name}".`, type: 'success' };
  });
}
