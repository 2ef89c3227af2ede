import type { ActionRequest } from 'adminjs';
import type { SiteScope } from '../../access/site-scope.js';
import { type AdminUserChanges, AdminUsersService } from '../../admin-users/admin-users.service.js';
import { ApiKeysService } from '../../api-keys/api-keys.service.js';
import type { AdminServices } from '../admin-services.js';
import { formError } from '../notices.js';
import { type AdminAction, paramOf, recordMutation, savedResponse, textField } from './action-kit.js';

/** The form's fields where they differ from the service's inputs. */
const PROPERTIES = { scopeDomains: 'sites', scopeApiKeyIds: 'apiKeys' };

const listOf = (text: string | undefined) => (text ?? '').split(/[\s,]+/).filter(Boolean);

/** The form's sites and keys (keys by name, as everywhere else) as a scope; undefined when the form did not send them. */
async function scopeOf(services: AdminServices, request: ActionRequest): Promise<SiteScope | undefined> {
  const sites = textField(request, 'sites');
  const keys = textField(request, 'apiKeys');
  if (sites === undefined && keys === undefined) return undefined;
  const apiKeys = await Promise.all(listOf(keys).map((name) => services.get(ApiKeysService).findByName(name)));
  return { domains: listOf(sites), apiKeyIds: apiKeys.map((key) => key.id) };
}

/** The password is set by the admin, hashed as the CLI's, and never shown again. */
export function createUserAction(services: AdminServices): AdminAction {
  return {
    handler: async (request, _response, context) => {
      if (request.method !== 'post') throw new Error('A user is created with a POST of the form.');
      try {
        const user = await services.get(AdminUsersService).create({
          email: textField(request, 'email') ?? '',
          password: typeof request.payload?.password === 'string' ? request.payload.password : '',
          role: textField(request, 'role') || 'viewer',
          scope: await scopeOf(services, request),
        });
        return await savedResponse(context, user.id, `Created ${user.role} ${user.email}; they log in with the password you set.`);
      } catch (error) {
        throw formError(error, PROPERTIES);
      }
    },
  };
}

export function editUserAction(services: AdminServices): AdminAction {
  return {
    handler: async (request, _response, context) => {
      if (request.method !== 'post') return { record: context.record!.toJSON(context.currentAdmin) };
      try {
        const role = textField(request, 'role');
        const changes: AdminUserChanges = { role: role || undefined, scope: await scopeOf(services, request) };
        const { user, changed } = await services.get(AdminUsersService).update(paramOf(context, 'id'), changes);
        return await savedResponse(context, user.id, changed.length ? `Saved ${user.email}: ${changed.join(', ')} changed.` : `Nothing to change on ${user.email}.`);
      } catch (error) {
        throw formError(error, PROPERTIES);
      }
    },
  };
}

function activeAction(services: AdminServices, active: boolean): AdminAction {
  const form = active
    ? { confirm: 'Activate', description: 'The user may log in again.' }
    : { confirm: 'Deactivate', description: 'The user is logged out everywhere at once and cannot log in until activated again.' };
  return {
    actionType: 'record',
    icon: active ? 'UserCheck' : 'UserX',
    isVisible: ({ record }) => record?.param('isActive') === !active,
    ...recordMutation(form, async (_request, context) => {
      const { user, sessionsEnded } = await services.get(AdminUsersService).update(paramOf(context, 'id'), { active });
      return { message: active ? `Activated ${user.email}.` : `Deactivated ${user.email}; ${sessionsEnded} session(s) ended.`, type: 'success' };
    }),
  };
}

export const deactivateUserAction = (services: AdminServices) => activeAction(services, false);
export const activateUserAction = (services: AdminServices) => activeAction(services, true);

export function revokeSessionsAction(services: AdminServices): AdminAction {
  return {
    actionType: 'record',
    icon: 'LogOut',
    ...recordMutation({ confirm: 'Log out everywhere', description: "Ends the user's sessions: they must log in again." }, async (_request, context) => {
      const { email, sessionsEnded } = await services.get(AdminUsersService).revokeSessions(paramOf(context, 'email'));
      return { message: `Ended ${sessionsEnded} session(s) of ${email}.`, type: 'success' };
    }),
  };
}
