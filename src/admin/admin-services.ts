import type { Type } from '@nestjs/common';
import type { ActionContext } from 'adminjs';

/** The server's Nest services, for the resources and actions: `services.get(MaintenanceService)`. */
export interface AdminServices {
  get<T>(type: Type<T>): T;
}

/** Who did it, for the audit log: the logged-in admin user. */
export function actorOf(context: Pick<ActionContext, 'currentAdmin'>): string {
  return `admin:${context.currentAdmin?.email ?? 'unknown'}`;
}
