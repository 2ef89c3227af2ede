import { LOG_ACTIONS, LOG_OUTCOMES, MaintenanceLog } from '../../logs/maintenance-log.entity.js';
import { READ } from '../access/panel-user.js';
import { logsInScope } from '../access/scope-conditions.js';
import { SearchableResource } from '../searchable-resource.js';
import { type AdminResource, OFF } from './admin-resource.js';

const choices = (values: readonly string[]) => values.map((value) => ({ value, label: value }));

/** The audit trail, read-only: one row per attempt, whoever made it. */
export function maintenanceLogsResource(): AdminResource {
  return {
    resource: new SearchableResource(MaintenanceLog, { exact: ['action', 'outcome'], scope: logsInScope }),
    options: {
      navigation: { name: null, icon: 'FileText' },
      titleProperty: 'domain',
      sort: { sortBy: 'createdAt', direction: 'desc' },
      listProperties: ['createdAt', 'action', 'outcome', 'domain', 'actor', 'durationMs', 'errorMessage'],
      filterProperties: ['action', 'outcome', 'siteId', 'domain', 'actor', 'createdAt'],
      showProperties: ['createdAt', 'completedAt', 'action', 'outcome', 'domain', 'siteId', 'actor', 'reason', 'durationMs', 'ruleIds', 'errorCode', 'errorMessage'],
      properties: {
        siteId: { reference: 'CloudflareSite' },
        action: { availableValues: choices(LOG_ACTIONS) },
        outcome: { availableValues: choices(LOG_OUTCOMES) },
        ruleIds: { type: 'string', isArray: true },
        reason: { type: 'textarea' },
        errorMessage: { type: 'textarea' },
        owner: { isVisible: false },
      },
      actions: { new: OFF, edit: OFF, delete: OFF, bulkDelete: OFF },
    },
    permissions: { list: READ, search: READ, show: READ },
    labels: {
      name: 'Maintenance logs',
      properties: {
        createdAt: 'When',
        completedAt: 'Completed',
        siteId: 'Site',
        actor: 'Who',
        durationMs: 'Duration (ms)',
        ruleIds: 'Page Rule ids',
        errorCode: 'Error code',
        errorMessage: 'Error',
      },
    },
  };
}
