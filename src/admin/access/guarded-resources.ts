import type { ActionContext, IsFunction } from 'adminjs';
import type { AdminResource } from '../resources/admin-resource.js';
import { ADMINISTER_EVERY_SITE, type Permission, permits } from './panel-user.js';

/** AdminJS's own actions: each resource says what they need, or they need the most. */
const BUILT_IN_ACTIONS = ['list', 'search', 'show', 'new', 'edit', 'delete', 'bulkDelete'];

export type PermissionLookup = (resourceId: string, actionName: string) => Permission;

/**
 * Makes every action of the resource inaccessible (hidden, and refused by AdminJS) to a user whose role or
 * scope does not allow it. An action whose permission is not declared needs an admin of every site.
 */
export function guardedResource({ permissions, options, ...rest }: AdminResource): AdminResource {
  const actions = { ...(options?.actions ?? {}) } as Record<string, Record<string, unknown>>;
  for (const name of new Set([...BUILT_IN_ACTIONS, ...Object.keys(actions)])) {
    const own = actions[name] ?? {};
    const permission = permissions[name] ?? ADMINISTER_EVERY_SITE;
    const ownAccess = own.isAccessible as boolean | IsFunction | undefined;
    const isAccessible: IsFunction = (context: ActionContext) =>
      permits(context.currentAdmin, permission) && (typeof ownAccess === 'function' ? ownAccess(context) : ownAccess !== false);
    actions[name] = { ...own, isAccessible };
  }
  return { ...rest, permissions, options: { ...options, actions } };
}

/** For the server-side guard in front of AdminJS (api-route-guard.ts), by resource id. */
export function permissionLookup(resources: { id: string; permissions: Record<string, Permission> }[]): PermissionLookup {
  const byId = new Map(resources.map(({ id, permissions }) => [id, permissions]));
  return (resourceId, actionName) => byId.get(resourceId)?.[actionName] ?? ADMINISTER_EVERY_SITE;
}
