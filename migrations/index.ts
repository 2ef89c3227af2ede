import { InitialSchema1764039600000 } from './1764039600000-initial-schema.js';
import { FleetColumns1764126000000 } from './1764126000000-fleet-columns.js';
import { ScheduledMaintenance1764212400000 } from './1764212400000-scheduled-maintenance.js';
import { AdminUsers1764298800000 } from './1764298800000-admin-users.js';
import { WindowEndFailing1796156733253 } from './1796156733253-window-end-failing.js';
import { CloudflareRateBudgets1796156957687 } from './1796156957687-cloudflare-rate-budgets.js';
import { AdminLoginThrottle1796157224210 } from './1796157224210-admin-login-throttle.js';
import { SiteAccess1796590032587 } from './1796590032587-site-access.js';
import { AdminUserRoles1796590066260 } from './1796590066260-admin-user-roles.js';
import { ApiTokens1796590081389 } from './1796590081389-api-tokens.js';
import { SitePageChanges1796590162625 } from './1796590162625-site-page-changes.js';
import { SettingsAudit1796590248414 } from './1796590248414-settings-audit.js';
import { ApiOperations1796590500000 } from './1796590500000-api-operations.js';
import { PageBranding1796590600000 } from './1796590600000-page-branding.js';
import { WorkerEngine1796600000000 } from './1796600000000-worker-engine.js';

/** Listed explicitly, in timestamp order (the order TypeORM runs them in): ESM builds cannot rely on TypeORM's glob loading of migration files. */
export const migrations = [
  InitialSchema1764039600000,
  FleetColumns1764126000000,
  ScheduledMaintenance1764212400000,
  AdminUsers1764298800000,
  WindowEndFailing1796156733253,
  CloudflareRateBudgets1796156957687,
  AdminLoginThrottle1796157224210,
  SiteAccess1796590032587,
  AdminUserRoles1796590066260,
  ApiTokens1796590081389,
  SitePageChanges1796590162625,
  SettingsAudit1796590248414,
  ApiOperations1796590500000,
  PageBranding1796590600000,
  WorkerEngine1796600000000,
];
