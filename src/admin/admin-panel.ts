import { Database, Resource } from '@adminjs/typeorm';
import AdminJSExpress from '@adminjs/express';
import AdminJS, { type AdminJSOptions, type LocaleTranslations } from 'adminjs';
import express, { type Router } from 'express';
import session from 'express-session';
import type { Pool } from 'pg';
import { BaseEntity, type DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { ADMIN_ROOT_PATH } from '../admin-users/admin-panel-url.js';
import { AdminUsersService } from '../admin-users/admin-users.service.js';
import { behindTlsProxy } from '../config/behind-tls-proxy.js';
import type { AppConfig } from '../config/config.schema.js';
import { guardedResource, permissionLookup } from './access/guarded-resources.js';
import { restrictedScope } from './access/panel-user.js';
import { sessionUserRefresh } from './access/session-user-refresh.js';
import { adminAuthenticator } from './admin-authenticator.js';
import { apiRouteGuard } from './api-route-guard.js';
import type { AdminServices } from './admin-services.js';
import { adminSessionStore, SESSION_COOKIE } from './admin-session.js';
import { bundleComponents } from './component-bundle.js';
import { Components, componentLoader } from './components/components.js';
import { DashboardService } from './dashboard/dashboard.service.js';
import { httpGuards } from './http-guards.js';
import { LoginThrottle } from './login-throttle.js';
import { logoutRoutes } from './logout-routes.js';
import { pagePreviewRoute } from './page-preview-route.js';
import { PAGE_DEFAULT_LABEL, PAGE_DEFAULT_PAGE, pageDefaultPage } from './pages/page-default.page.js';
import { adminErrorHandler } from './request-errors.js';
import type { AdminResource } from './resources/admin-resource.js';
import { adminUsersResource } from './resources/admin-users.resource.js';
import { apiKeysResource } from './resources/api-keys.resource.js';
import { apiTokensResource } from './resources/api-tokens.resource.js';
import { maintenanceLogsResource } from './resources/maintenance-logs.resource.js';
import { scheduledMaintenancesResource } from './resources/scheduled-maintenances.resource.js';
import { sitesResource } from './resources/sites.resource.js';

export interface AdminPanel {
  /** To be mounted at ADMIN_ROOT_PATH, before any body parser (AdminJS parses its own forms). */
  router: Router;
  close(): Promise<void>;
}

export interface AdminPanelDeps {
  config: AppConfig;
  dataSource: DataSource;
  services: AdminServices;
  sessionSecret: string;
}

/** The resources in the navigation, in this order; a new one is a file in resources/ and a line here. */
function resources(services: AdminServices): AdminResource[] {
  return [
    sitesResource(services),
    scheduledMaintenancesResource(services),
    apiKeysResource(services),
    maintenanceLogsResource(),
    adminUsersResource(services),
    apiTokensResource(services),
  ].map(guardedResource);
}

export async function createAdminPanel({ config, dataSource, services, sessionSecret }: AdminPanelDeps): Promise<AdminPanel> {
  // @adminjs/typeorm reaches the database through the entities' static BaseEntity methods.
  BaseEntity.useDataSource(dataSource);
  AdminJS.registerAdapter({ Database, Resource });
  const panelResources = resources(services);
  const admin = new AdminJS({
    rootPath: ADMIN_ROOT_PATH,
    loginPath: `${ADMIN_ROOT_PATH}/login`,
    logoutPath: `${ADMIN_ROOT_PATH}/logout`,
    componentLoader,
    resources: panelResources.map(({ labels: _labels, permissions: _permissions, ...resource }) => resource),
    pages: { [PAGE_DEFAULT_PAGE]: pageDefaultPage(services) },
    dashboard: {
      component: Components.Dashboard,
      handler: (_request, _response, context) => services.get(DashboardService).summary(restrictedScope(context.currentAdmin) ?? undefined),
    },
    branding: { companyName: 'Cloudflare maintenance', withMadeWithLove: false, logo: false },
    version: { admin: false },
    settings: { defaultPerPage: 20 },
    locale: locale(panelResources),
  });
  await bundleComponents(admin);

  const sessions = adminSessionStore({
    pool: (dataSource.driver as PostgresDriver).master as Pool,
    secret: sessionSecret,
    secure: behindTlsProxy(config),
  });
  const authenticate = adminAuthenticator(services.get(AdminUsersService), new LoginThrottle(dataSource));
  // Our body parser (in httpGuards) has already read every body, so AdminJS's express-formidable never runs.
  const panel = AdminJSExpress.buildAuthenticatedRouter(
    admin,
    { authenticate, cookieName: SESSION_COOKIE, cookiePassword: sessionSecret },
    null,
    sessions.options,
  );
  const permissionOf = permissionLookup(panelResources.map(({ resource, permissions }) => ({ id: (resource as Resource).id(), permissions })));
  const router = express.Router();
  // The session is opened here, ahead of AdminJS (whose own session middleware then finds it open), so that
  // logout and the API guard can see who is logged in.
  router.use(
    ...httpGuards(config.PUBLIC_URL),
    session(sessions.options),
    sessionUserRefresh(services.get(AdminUsersService)),
    logoutRoutes(),
    apiRouteGuard(admin, permissionOf),
    pagePreviewRoute(services),
    panel,
    adminErrorHandler,
  );
  return { router, close: () => sessions.close() };
}

function locale(panelResources: AdminResource[]): AdminJSOptions['locale'] {
  const ids = panelResources.map(({ resource }) => (resource as Resource).id());
  const en: LocaleTranslations = {
    labels: { ...Object.fromEntries(panelResources.map(({ labels }, index) => [ids[index], labels.name])), pages: 'Settings' },
    resources: Object.fromEntries(
      panelResources.map(({ labels }, index) => [ids[index], { properties: labels.properties ?? {}, actions: labels.actions ?? {} }]),
    ),
    pages: { [PAGE_DEFAULT_PAGE]: PAGE_DEFAULT_LABEL },
    components: {
      Login: { welcomeHeader: 'Cloudflare maintenance', welcomeMessage: 'Put sites into maintenance and take them out again.' },
    },
  };
  return { language: 'en', availableLanguages: ['en'], localeDetection: false, translations: { en } };
}
