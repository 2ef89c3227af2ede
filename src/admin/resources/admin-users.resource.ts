import { type ActionResponse, type After, flat } from 'adminjs';
import { ROLES } from '../../access/roles.js';
import { AdminUser } from '../../admin-users/admin-user.entity.js';
import { ApiKeysService } from '../../api-keys/api-keys.service.js';
import {
  activateUserAction,
  createUserAction,
  deactivateUserAction,
  editUserAction,
  revokeSessionsAction,
} from '../actions/admin-user.actions.js';
import type { AdminServices } from '../admin-services.js';
import { SearchableResource } from '../searchable-resource.js';
import { type AdminResource, OFF, recordsOf } from './admin-resource.js';

const FORM_ONLY = { list: false, show: false, edit: true, filter: false };
const SHOWN = { list: true, show: true, edit: true, filter: false };

/** The scope as the form writes it: domains, and keys by name. */
function scopeParams(services: AdminServices): After<ActionResponse> {
  return async (response) => {
    const keyNames = new Map((await services.get(ApiKeysService).list()).map((key) => [key.id, key.name]));
    for (const { params } of recordsOf(response)) {
      const domains = (flat.get(params, 'scopeDomains') as string[] | undefined) ?? [];
      const keyIds = (flat.get(params, 'scopeApiKeyIds') as string[] | undefined) ?? [];
      params.sites = domains.join(', ');
      params.apiKeys = keyIds.map((id) => keyNames.get(id) ?? id).join(', ');
      params.siteAccess = domains.length || keyIds.length ? 'Only some sites' : 'Every site';
    }
    return response;
  };
}

/** The panel's users, managed by admins of every site: created with a password, given a role and sites, deactivated. */
export function adminUsersResource(services: AdminServices): AdminResource {
  const after = scopeParams(services);
  return {
    resource: new SearchableResource(AdminUser, { exact: ['role'] }),
    options: {
      navigation: { name: null, icon: 'Users' },
      titleProperty: 'email',
      sort: { sortBy: 'email', direction: 'asc' },
      listProperties: ['email', 'role', 'siteAccess', 'isActive', 'lastLoginAt'],
      showProperties: ['email', 'role', 'siteAccess', 'sites', 'apiKeys', 'isActive', 'lastLoginAt', 'createdAt'],
      editProperties: ['email', 'password', 'role', 'sites', 'apiKeys'],
      filterProperties: ['email', 'role', 'isActive'],
      properties: {
        passwordHash: { isVisible: false },
        scopeDomains: { isVisible: false },
        scopeApiKeyIds: { isVisible: false },
        password: {
          type: 'password',
          isVisible: FORM_ONLY,
          description: 'At least 12 characters; stored only as a hash and never shown again. Give it to the user yourself.',
        },
        role: {
          availableValues: ROLES.map((value) => ({ value, label: value })),
          description: 'viewer: reads; operator: also enables, disables, syncs, reconciles and runs windows; admin: also manages sites, keys and users.',
        },
        sites: { type: 'string', isSortable: false, isVisible: SHOWN, description: 'Only these domains (comma-separated). Empty, with no keys: every site.' },
        apiKeys: { type: 'string', isSortable: false, isVisible: SHOWN, description: 'And the sites of these Cloudflare API keys (names, comma-separated).' },
        siteAccess: { type: 'string', isSortable: false, isVisible: { list: true, show: true, edit: false, filter: false } },
      },
      actions: {
        list: { after },
        show: { after },
        new: { ...createUserAction(services), layout: ['email', 'password', 'role', 'sites', 'apiKeys'] },
        edit: { ...editUserAction(services), after, layout: ['role', 'sites', 'apiKeys'] },
        delete: OFF,
        bulkDelete: OFF,
        deactivate: deactivateUserAction(services),
        activate: activateUserAction(services),
        revokeSessions: revokeSessionsAction(services),
      },
    },
    // Every action needs an admin of every site (the default): a user given a wider role or scope could reach any site.
    permissions: {},
    labels: {
      name: 'Users',
      properties: { isActive: 'Active', lastLoginAt: 'Last login', createdAt: 'Created', sites: 'Sites', apiKeys: 'Sites of API keys', siteAccess: 'Sites' },
      actions: { deactivate: 'Deactivate', activate: 'Activate', revokeSessions: 'Log out everywhere' },
    },
  };
}
