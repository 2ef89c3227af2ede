import type { CurrentAdmin } from 'adminjs';
import { isRole, roleAllows, type Action, type Role } from '../../access/roles.js';
import { coversEverySite, type SiteScope } from '../../access/site-scope.js';

/** What the session holds for a logged-in user (AdminJS's `currentAdmin`), refreshed from the database on each request. */
export interface PanelUser extends CurrentAdmin {
  id: string;
  email: string;
  role: Role;
  scope: SiteScope;
}

/**
 * What an action of the panel needs: an action of src/access/roles.ts, and for some (adding sites,
 * managing keys and users) a user who is not restricted to some sites, since those reach every site.
 */
export interface Permission {
  action: Action;
  everySite?: boolean;
}

export const READ: Permission = { action: 'read' };
export const OPERATE: Permission = { action: 'operate' };
export const ADMINISTER: Permission = { action: 'administer' };
export const ADMINISTER_EVERY_SITE: Permission = { action: 'administer', everySite: true };

/** A session from before roles existed, or a tampered one, holds no valid role and is allowed nothing. */
export function panelUserOf(admin: CurrentAdmin | undefined): PanelUser | null {
  const candidate = admin as Partial<PanelUser> | undefined;
  if (!candidate?.id || !isRole(candidate.role) || !candidate.scope) return null;
  return candidate as PanelUser;
}

export function permits(admin: CurrentAdmin | undefined, permission: Permission): boolean {
  const user = panelUserOf(admin);
  if (!user || !roleAllows(user.role, permission.action)) return false;
  return !permission.everySite || coversEverySite(user.scope);
}

/** The user's scope when restricted to some sites, else null (every site). */
export function restrictedScope(admin: CurrentAdmin | undefined): SiteScope | null {
  const user = panelUserOf(admin);
  return user && !coversEverySite(user.scope) ? user.scope : null;
}
