import { ApiKeysService } from '../../api-keys/api-keys.service.js';
import { SiteSyncService } from '../../sites/site-sync.service.js';
import { actorOf, type AdminServices } from '../admin-services.js';
import { type ActionForm, type AdminAction, paramOf, type Perform, recordMutation, textField } from './action-kit.js';
import { syncReportNotice } from './site-sync.actions.js';

function keyAction(icon: string, form: ActionForm, perform: Perform, isVisible?: AdminAction['isVisible']): AdminAction {
  return { actionType: 'record', icon, ...(isVisible ? { isVisible } : {}), ...recordMutation(form, perform) };
}

export function makeDefaultKeyAction(services: AdminServices): AdminAction {
  return keyAction(
    'Star',
    { confirm: 'Make default', description: 'New sites use the default key unless told otherwise.' },
    async (_request, context) => {
      const key = await services.get(ApiKeysService).setDefault(paramOf(context, 'name'));
      return { message: `"${key.name}" is now the default API key.`, type: 'success' };
    },
    ({ record }) => record?.param('isDefault') !== true && record?.param('isActive') === true,
  );
}

export function verifyKeyAction(services: AdminServices): AdminAction {
  return keyAction('CheckCircle', { confirm: 'Verify with Cloudflare' }, async (_request, context) => {
    const { status, owner, detail, key } = await services.get(ApiKeysService).verify(paramOf(context, 'name'));
    return status === 'active'
      ? { message: `Cloudflare accepts "${key.name}" (${owner} token${key.accountId ? `, account ${key.accountId}` : ''}).`, type: 'success' }
      : { message: `Cloudflare does not accept "${key.name}": ${detail ?? status}. Rotate its token.`, type: 'error' };
  });
}

export function discoverSitesAction(services: AdminServices): AdminAction {
  return keyAction(
    'DownloadCloud',
    { confirm: 'Discover sites', description: "Adds a site for each new zone this key can see and refreshes the others' zone facts." },
    async (_request, context) =>
      syncReportNotice(await services.get(SiteSyncService).syncCloudflare({ apiKeyName: paramOf(context, 'name'), actor: actorOf(context) })),
    ({ record }) => record?.param('isActive') === true,
  );
}

/** The new token is checked with Cloudflare first; a refused one leaves the old token in place. */
export function rotateKeyAction(services: AdminServices): AdminAction {
  const form = {
    confirm: 'Rotate token',
    description: 'The new token is verified with Cloudflare before it replaces the old one, and is never shown again.',
    inputs: [{ name: 'token', label: 'New Cloudflare API token', type: 'password' as const, required: true }],
  };
  return keyAction('RotateCw', form, async (request, context) => {
    const key = await services.get(ApiKeysService).rotate(paramOf(context, 'name'), textField(request, 'token') ?? '');
    return { message: `Rotated "${key.name}": its token is now ${key.token}.`, type: 'success' };
  });
}

export function deactivateKeyAction(services: AdminServices): AdminAction {
  return keyAction(
    'PauseCircle',
    { confirm: 'Deactivate', description: "Its sites cannot be operated, nor its zones synced, until it is activated again." },
    async (_request, context) => {
      const { key, wasDefault, siteCount } = await services.get(ApiKeysService).deactivate(paramOf(context, 'name'));
      const notes = [`${siteCount} site(s) use it`, ...(wasDefault ? ['there is no default key now'] : [])];
      return { message: `Deactivated "${key.name}" (${notes.join('; ')}).`, type: 'success' };
    },
    ({ record }) => record?.param('isActive') === true,
  );
}

export function activateKeyAction(services: AdminServices): AdminAction {
  return keyAction(
    'PlayCircle',
    { confirm: 'Activate', description: 'The stored token is verified with Cloudflare first.' },
    async (_request, context) => {
      const key = await services.get(ApiKeysService).activate(paramOf(context, 'name'));
      return { message: `Activated "${key.name}".`, type: 'success' };
    },
    ({ record }) => record?.param('isActive') === false,
  );
}
