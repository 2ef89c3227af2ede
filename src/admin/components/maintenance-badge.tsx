import { Badge, type BadgeProps, ValueGroup } from '@adminjs/design-system';
import { type BasePropertyProps, useTranslation } from 'adminjs';
import React from 'react';

const STATES: Record<string, { label: string; variant: BadgeProps['variant'] }> = {
  on: { label: 'in maintenance', variant: 'danger' },
  off: { label: 'off', variant: 'success' },
  needs_reconcile: { label: 'needs reconcile', variant: 'secondary' },
  enabling: { label: 'enabling…', variant: 'info' },
  disabling: { label: 'disabling…', variant: 'info' },
};

/** A site's maintenance state at a glance; a site switched off for operations shows as inactive. */
const MaintenanceBadge: React.FC<BasePropertyProps> = ({ record, property, where }) => {
  const { translateProperty } = useTranslation();
  const state = String(record?.params.maintenanceState ?? '');
  const inactive = record?.params.isActive === false && state === 'off';
  const { label, variant } = inactive ? { label: 'inactive', variant: 'light' as const } : (STATES[state] ?? { label: state, variant: 'default' as const });
  const badge = (
    <Badge variant={variant} data-testid="maintenance-badge" data-state={inactive ? 'inactive' : state}>
      {label}
    </Badge>
  );
  return where === 'show' ? <ValueGroup label={translateProperty(property.label, property.resourceId)}>{badge}</ValueGroup> : badge;
};

export default MaintenanceBadge;
