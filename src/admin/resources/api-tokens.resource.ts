import { ROLES } from '../../access/roles.js';
import { ApiToken } from '../../api-tokens/api-token.entity.js';
import { createTokenAction, revokeTokenAction } from '../actions/api-token.actions.js';
import type { AdminServices } from '../admin-services.js';
import { SearchableResource } from '../searchable-resource.js';
import { type AdminResource, OFF } from './admin-resource.js';

const FORM_ONLY = { list: false, show: false, edit: true, filter: false };

/** Tokens of the HTTP API (docs/api.md#tokens), managed by admins of every site: created (shown once), revoked. */
export function apiTokensResource(services: AdminServices): AdminResource {
  return {
    resource: new SearchableResource(ApiToken, { exact: ['role'] }),
    options: {
      navigation: { name: null, icon: 'Terminal' },
      titleProperty: 'name',
      sort: { sortBy: 'createdAt', direction: 'desc' },
      listProperties: ['name', 'role', 'siteDomains', 'expiresAt', 'revokedAt', 'lastUsedAt'],
      showProperties: ['name', 'lookupId', 'role', 'siteDomains', 'apiKeyIds', 'expiresAt', 'revokedAt', 'lastUsedAt', 'createdAt'],
      filterProperties: ['name', 'role'],
      properties: {
        secretHash: { isVisible: false },
        role: {
          availableValues: ROLES.map((value) => ({ value, label: value })),
          description: 'viewer: reads; operator: also enables, disables, runs operations and windows; admin: everything.',
        },
        sites: { type: 'string', isVisible: FORM_ONLY, description: 'Only these domains (comma-separated); or give a key below; neither: every site.' },
        apiKey: { type: 'string', isVisible: FORM_ONLY, description: 'Or only the sites of this Cloudflare API key (its name).' },
        expires: { type: 'string', isVisible: FORM_ONLY, description: 'Lifetime, e.g. 90d or 12h; empty: it does not expire.' },
      },
      actions: {
        new: { ...createTokenAction(services), layout: ['name', 'role', 'sites', 'apiKey', 'expires'] },
        edit: OFF,
        delete: OFF,
        bulkDelete: OFF,
        revoke: revokeTokenAction(services),
      },
    },
    // Every action needs an admin of every site (the default): a token can be given any role and scope.
    permissions: {},
    labels: {
      name: 'API tokens',
      properties: {
        lookupId: 'Starts with (after cfm_)',
        siteDomains: 'Sites',
        apiKeyIds: 'Sites of API keys',
        expiresAt: 'Expires',
        revokedAt: 'Revoked',
        lastUsedAt: 'Last used',
        createdAt: 'Created',
      },
      actions: { revoke: 'Revoke' },
    },
  };
}
