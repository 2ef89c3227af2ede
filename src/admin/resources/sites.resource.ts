import { type ActionResponse, type After, flat } from 'adminjs';
import { LogsService } from '../../logs/logs.service.js';
import type { PageBranding } from '../../maintenance-page/branding.js';
import { CloudflareSite, MAINTENANCE_STATES, type OwnedRule } from '../../sites/cloudflare-site.entity.js';
import { BYPASS_SECRET_MASK } from '../../sites/bypass-secret.js';
import { bypassSummary, SiteAccessResolver } from '../../sites/site-access.js';
import { siteCoverage } from '../../sites/site-coverage.js';
import { ENGINE_LABELS, ENGINE_SUMMARIES, engineExpressesAccess, SITE_ENGINES, type SiteEngine } from '../../sites/site-engine.js';
import type { AdminServices } from '../admin-services.js';
import { bulkSiteAction, disableMaintenanceAction, enableMaintenanceAction, reconcileAction } from '../actions/site-maintenance.actions.js';
import { brandingFormParams, PAGE_FORM_PROPERTIES } from '../actions/page-branding-form.js';
import { createSiteAction, editSiteAction, removeSiteAction } from '../actions/site-form.actions.js';
import { liveStatusAction } from '../actions/site-live-status.action.js';
import { discoverAllSitesAction, syncSiteAction } from '../actions/site-sync.actions.js';
import { ADMINISTER, ADMINISTER_EVERY_SITE, OPERATE, READ } from '../access/panel-user.js';
import { sitesInScope } from '../access/scope-conditions.js';
import { BRANDING_LABELS, brandingResourceProperties, PAGE_PREVIEW_LABEL } from './page-branding-properties.js';
import { Components } from '../components/components.js';
import { SearchableResource } from '../searchable-resource.js';
import { type AdminResource, OFF, recordsOf } from './admin-resource.js';

const VIRTUAL = { type: 'string', isSortable: false } as const;
const ONLY_SHOWN = { list: true, show: true, edit: false, filter: false };
const SUMMARY_NAMES: Record<string, string> = {
  title: 'title',
  message: 'message',
  logoUrl: 'logo',
  contactUrl: 'contact link',
  primaryColor: 'primary colour',
  backgroundColor: 'background colour',
  textColor: 'text colour',
  template: 'template',
};

/** "its own title, logo; translations: fr, de, over the default". */
function brandingSummary(branding: PageBranding | null): string {
  if (!branding) return 'the default';
  const set = Object.keys(branding).filter((key) => key !== 'translations').map((key) => SUMMARY_NAMES[key] ?? key);
  const languages = Object.keys(branding.translations ?? {});
  const parts = [set.length ? `its own ${set.join(', ')}` : '', languages.length ? `translations: ${languages.join(', ')}` : ''].filter(Boolean);
  return `${parts.join('; ')}, over the default`;
}

/** The maintenance page's branding on the edit form: a site's own fields, empty where the default shows. */
const BRANDING_PROPERTIES = {
  ...brandingResourceProperties(),
  pageBrandingSummary: { ...VIRTUAL, isVisible: { list: false, show: true, edit: false, filter: false } },
  pageBranding: { isVisible: false },
};

/** What the list, the record page and the edit form show that is not a column: derived from the columns and the audit log. */
function computedParams(services: AdminServices): After<ActionResponse> {
  return async (response) => {
    const records = recordsOf(response);
    const lastEnabled = await services.get(LogsService).lastEnabled(records.map((record) => record.id));
    const access = services.get(SiteAccessResolver);
    for (const { id, params } of records) {
      const subdomainList = (flat.get(params, 'subdomainList') as string[] | undefined) ?? [];
      const rules = (flat.get(params, 'maintenanceRules') as OwnedRule[] | undefined) ?? [];
      params.coverage = siteCoverage({ includeSubdomains: params.includeSubdomains as boolean, subdomainList });
      params.subdomains = params.includeSubdomains ? '' : subdomainList.join(', ');
      params.rules = rules.map((rule) => `${rule.id} (${rule.target})`).join(', ');
      params.lastMaintenanceAt = lastEnabled.get(id)?.toISOString() ?? null;
      const bypassIps = params.bypassIps === null ? null : ((flat.get(params, 'bypassIps') as string[] | undefined) ?? []);
      const excludedPaths = (flat.get(params, 'excludedPaths') as string[] | undefined) ?? [];
      // bypassSecretCipher arrives redacted (the resource's `redact`): the mask or null.
      const view = access.view({ engine: params.engine as SiteEngine, bypassIps, bypassSecretCipher: (params.bypassSecretCipher as string | null) ?? null, excludedPaths });
      params.bypass = engineExpressesAccess(view.engine) ? bypassSummary(view) : 'none (Page Rules cannot let anyone through)';
      params.exclusions = excludedPaths.length ? excludedPaths.join(', ') : 'none';
      params.bypassIpList = bypassIps === null ? '' : bypassIps.length ? bypassIps.join(', ') : 'none';
      params.excludedPathList = excludedPaths.length ? excludedPaths.join(', ') : 'none';
      const branding = (flat.get(params, 'pageBranding') as PageBranding | null | undefined) ?? null;
      Object.assign(params, brandingFormParams(branding));
      params.pageBrandingSummary = brandingSummary(branding);
    }
    return response;
  };
}

export function sitesResource(services: AdminServices): AdminResource {
  const after = computedParams(services);
  return {
    resource: new SearchableResource(CloudflareSite, {
      search: { property: 'search', columns: ['domain', 'name'] },
      exact: ['maintenanceState', 'inactiveReason', 'engine'],
      redact: { bypassSecretCipher: (cipher) => (cipher ? BYPASS_SECRET_MASK : null) },
      scope: sitesInScope,
    }),
    options: {
      navigation: { name: null, icon: 'Globe' },
      titleProperty: 'domain',
      sort: { sortBy: 'domain', direction: 'asc' },
      listProperties: ['status', 'domain', 'name', 'coverage', 'apiKeyId', 'lastMaintenanceAt'],
      filterProperties: ['search', 'maintenanceState', 'apiKeyId', 'isActive'],
      showProperties: [
        'status',
        'domain',
        'name',
        'coverage',
        'maintenanceUrl',
        'engine',
        'bypass',
        'exclusions',
        'apiKeyId',
        'isActive',
        'inactiveReason',
        'maintenanceReason',
        'maintenanceSince',
        'rules',
        'lastMaintenanceAt',
        'zoneId',
        'zoneStatus',
        'zonePlan',
        'pageRuleQuota',
        'lastSyncedAt',
        'pageBrandingSummary',
        'recentActivity',
      ],
      editProperties: ['domain', 'name', 'subdomains', 'maintenanceUrl', 'apiKeyId', 'zoneId', 'isActive'],
      properties: {
        status: { ...VIRTUAL, position: 0, isVisible: ONLY_SHOWN, components: { list: Components.MaintenanceBadge, show: Components.MaintenanceBadge } },
        search: { type: 'string', isVisible: { list: false, show: false, edit: false, filter: true } },
        domain: { isRequired: true },
        zoneId: { description: 'Only when the zone cannot be found by name (leave empty).' },
        coverage: { ...VIRTUAL, isVisible: ONLY_SHOWN },
        subdomains: {
          ...VIRTUAL,
          isVisible: { list: false, show: false, edit: true, filter: false },
          description: 'Comma-separated, e.g. "www, api": the apex and these subdomains. Empty: the apex and every subdomain.',
        },
        maintenanceUrl: { description: 'Where visitors are sent. Empty: the default page under PUBLIC_URL. Not used by the worker engine, which answers in place.' },
        engine: {
          availableValues: SITE_ENGINES.map((value) => ({ value, label: ENGINE_LABELS[value] })),
          description: SITE_ENGINES.map((engine) => ENGINE_SUMMARIES[engine]).join('. '),
        },
        bypass: { ...VIRTUAL, isVisible: { list: false, show: true, edit: false, filter: false } },
        exclusions: { ...VIRTUAL, isVisible: { list: false, show: true, edit: false, filter: false } },
        bypassIpList: {
          ...VIRTUAL,
          isVisible: { list: false, show: false, edit: true, filter: false },
          description:
            'Single Redirect rule and Worker only. IPv4/IPv6 addresses and CIDRs let through, comma-separated. Empty: MAINTENANCE_BYPASS_IPS; "none": nobody. ' +
            'The bypass secret is generated with `maintenance sites update <domain> --bypass-secret` and shown only there.',
        },
        excludedPathList: {
          ...VIRTUAL,
          isVisible: { list: false, show: false, edit: true, filter: false },
          description:
            'Single Redirect rule and Worker only. Path prefixes never put into maintenance, comma-separated, e.g. "/api/webhooks/, /health"; ' +
            '/.well-known/acme-challenge/ is always kept. Empty: that path alone; "none": every path is redirected.',
        },
        bypassIps: { isVisible: false },
        bypassSecretCipher: { isVisible: false },
        excludedPaths: { isVisible: false },
        maintenanceState: { availableValues: MAINTENANCE_STATES.map((value) => ({ value, label: value.replace('_', ' ') })) },
        rules: { ...VIRTUAL, isVisible: { list: false, show: true, edit: false, filter: false } },
        lastMaintenanceAt: { ...VIRTUAL, type: 'datetime', isVisible: ONLY_SHOWN },
        recentActivity: { ...VIRTUAL, isVisible: { list: false, show: true, edit: false, filter: false }, components: { show: Components.SiteActivity } },
        ...BRANDING_PROPERTIES,
      },
      actions: {
        list: { after },
        show: { after },
        // The domain and zone are set once, when the site is added; being active is a matter for later.
        new: { ...createSiteAction(services), layout: ['domain', 'name', 'subdomains', 'maintenanceUrl', 'engine', 'apiKeyId', 'zoneId'] },
        edit: {
          ...editSiteAction(services),
          after,
          layout: ['name', 'subdomains', 'maintenanceUrl', 'engine', 'bypassIpList', 'excludedPathList', 'apiKeyId', 'isActive', ...PAGE_FORM_PROPERTIES, 'pagePreview'],
        },
        delete: removeSiteAction(services),
        bulkDelete: OFF,
        enableMaintenance: enableMaintenanceAction(services),
        disableMaintenance: disableMaintenanceAction(services),
        syncSite: syncSiteAction(services),
        liveStatus: liveStatusAction(services),
        reconcile: reconcileAction(services),
        bulkEnable: bulkSiteAction(services, 'enable'),
        bulkDisable: bulkSiteAction(services, 'disable'),
        bulkSync: bulkSiteAction(services, 'sync'),
        discoverSites: discoverAllSitesAction(services),
      },
    },
    permissions: {
      list: READ,
      search: READ,
      show: READ,
      liveStatus: READ,
      enableMaintenance: OPERATE,
      disableMaintenance: OPERATE,
      syncSite: OPERATE,
      reconcile: OPERATE,
      bulkEnable: OPERATE,
      bulkDisable: OPERATE,
      bulkSync: OPERATE,
      edit: ADMINISTER,
      delete: ADMINISTER,
      // Both add sites, which no scope names yet.
      new: ADMINISTER_EVERY_SITE,
      discoverSites: ADMINISTER_EVERY_SITE,
    },
    labels: {
      name: 'Sites',
      properties: {
        status: 'Maintenance',
        search: 'Domain or name',
        coverage: 'Covers',
        subdomains: 'Subdomains',
        apiKeyId: 'API key',
        maintenanceUrl: 'Maintenance URL',
        maintenanceState: 'Maintenance state',
        maintenanceReason: 'Reason',
        maintenanceSince: 'In maintenance since',
        lastMaintenanceAt: 'Last maintenance',
        isActive: 'Active',
        inactiveReason: 'Inactive because',
        rules: 'Our Page Rules',
        engine: 'Engine',
        bypass: 'Staff bypass',
        exclusions: 'Excluded paths',
        bypassIpList: 'Bypass IPs',
        excludedPathList: 'Excluded paths',
        zoneId: 'Zone id',
        pageRuleQuota: 'Page Rule quota',
        recentActivity: 'Recent activity',
        ...BRANDING_LABELS,
        pagePreview: PAGE_PREVIEW_LABEL,
        pageBrandingSummary: 'Maintenance page',
      },
      actions: {
        enableMaintenance: 'Enable maintenance',
        disableMaintenance: 'Disable maintenance',
        syncSite: 'Sync with Cloudflare',
        liveStatus: 'Check live status',
        reconcile: 'Reconcile',
        bulkEnable: 'Enable maintenance',
        bulkDisable: 'Disable maintenance',
        bulkSync: 'Sync with Cloudflare',
        discoverSites: 'Discover sites',
      },
    },
  };
}
