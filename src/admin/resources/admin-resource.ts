import type { ActionResponse, RecordJSON, ResourceWithOptions } from 'adminjs';
import type { Permission } from '../access/panel-user.js';

/** English names of a resource, its properties and its actions, merged into AdminJS's locale under its id. */
export interface ResourceLabels {
  name: string;
  properties?: Record<string, string>;
  actions?: Record<string, string>;
}

/** What each file of resources/ exports a factory for (see admin-panel.ts for the list). */
export interface AdminResource extends ResourceWithOptions {
  labels: ResourceLabels;
  /** What each action needs (access/panel-user.ts); an action left out needs an admin of every site. */
  permissions: Record<string, Permission>;
}

/** For the actions a resource does not offer (through the panel or its API). */
export const OFF = { isAccessible: false, isVisible: false } as const;

/** The record or records an action's response carries, for an `after` hook that adds to them. */
export function recordsOf(response: ActionResponse): RecordJSON[] {
  const { record, records } = response as { record?: RecordJSON; records?: RecordJSON[] };
  return records ?? (record ? [record] : []);
}
