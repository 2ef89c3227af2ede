/**
 * One permission model for API tokens and admin users. A role is a set of actions;
 * each role holds every action of the roles below it.
 */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ACTIONS = {
  /** Sites, status, drift, schedules, the audit log, operations. */
  read: 'viewer',
  /** Enable, disable, extend, sync, reconcile, bulk operations, start/end/create/cancel windows. */
  operate: 'operator',
  /** Sites' settings, Cloudflare keys, admin users and API tokens. */
  administer: 'admin',
} as const satisfies Record<string, Role>;
export type Action = keyof typeof ACTIONS;

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function roleAllows(role: Role, action: Action): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(ACTIONS[action]);
}
