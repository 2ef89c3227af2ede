import type { ActionResponse, After } from 'adminjs';
import { maskToken } from '../../api-keys/api-key-input.validation.js';
import { CloudflareApiKey } from '../../api-keys/cloudflare-api-key.entity.js';
import {
  activateKeyAction,
  deactivateKeyAction,
  discoverSitesAction,
  makeDefaultKeyAction,
  rotateKeyAction,
  verifyKeyAction,
} from '../actions/api-key.actions.js';
import { createKeyAction, removeKeyAction } from '../actions/api-key-form.actions.js';
import type { AdminServices } from '../admin-services.js';
import { SearchableResource } from '../searchable-resource.js';
import { type AdminResource, OFF, recordsOf } from './admin-resource.js';

/** The token is shown masked; its ciphertext is never even read (the column is select: false). */
const masked: After<ActionResponse> = async (response) => {
  for (const { params } of recordsOf(response)) {
    params.maskedToken = maskToken(String(params.tokenHint));
  }
  return response;
};

export function apiKeysResource(services: AdminServices): AdminResource {
  return {
    resource: new SearchableResource(CloudflareApiKey),
    options: {
      navigation: { name: null, icon: 'Key' },
      titleProperty: 'name',
      sort: { sortBy: 'name', direction: 'asc' },
      listProperties: ['name', 'maskedToken', 'isDefault', 'isActive', 'accountId', 'lastUsedAt', 'lastVerifiedAt'],
      showProperties: ['name', 'maskedToken', 'isDefault', 'isActive', 'accountId', 'lastUsedAt', 'lastVerifiedAt', 'createdAt'],
      editProperties: ['name', 'token', 'isDefault'],
      filterProperties: ['name', 'isDefault', 'isActive'],
      properties: {
        encryptedToken: { isVisible: false },
        tokenHint: { isVisible: false },
        maskedToken: { type: 'string', isSortable: false, isVisible: { list: true, show: true, edit: false, filter: false } },
        token: {
          type: 'password',
          isRequired: true,
          isVisible: { list: false, show: false, edit: true, filter: false },
          description: 'Verified with Cloudflare before it is saved; never shown again.',
        },
        isDefault: { description: 'New sites use the default key.' },
      },
      actions: {
        list: { after: masked },
        show: { after: masked },
        new: createKeyAction(services),
        edit: OFF,
        delete: removeKeyAction(services),
        bulkDelete: OFF,
        makeDefault: makeDefaultKeyAction(services),
        verify: verifyKeyAction(services),
        discoverSites: discoverSitesAction(services),
        rotateToken: rotateKeyAction(services),
        deactivate: deactivateKeyAction(services),
        activate: activateKeyAction(services),
      },
    },
    // Every action needs an admin of every site (the default): a key reaches every site of its account.
    permissions: {},
    labels: {
      name: 'API keys',
      properties: {
        maskedToken: 'Token',
        token: 'Cloudflare API token',
        isDefault: 'Default',
        isActive: 'Active',
        accountId: 'Account',
        lastUsedAt: 'Last used',
        lastVerifiedAt: 'Last verified',
      },
      actions: {
        makeDefault: 'Make default',
        verify: 'Verify',
        discoverSites: 'Discover sites',
        rotateToken: 'Rotate token',
        deactivate: 'Deactivate',
        activate: 'Activate',
      },
    },
  };
}
