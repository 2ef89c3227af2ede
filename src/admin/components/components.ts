import { ComponentLoader } from 'adminjs';
import { fileURLToPath } from 'node:url';

export const componentLoader = new ComponentLoader();

// Given without extension: the compiled .js beside this file once built (dist), which is what gets bundled.
const add = (name: string, file: string) => componentLoader.add(name, fileURLToPath(new URL(`./${file}`, import.meta.url)));

/** The custom React components, by the names AdminJS knows them under. */
export const Components = {
  MaintenanceBadge: add('MaintenanceBadge', 'maintenance-badge'),
  ActionForm: add('ActionForm', 'action-form'),
  LiveStatus: add('LiveStatus', 'live-status'),
  SiteActivity: add('SiteActivity', 'site-activity'),
  Dashboard: add('Dashboard', 'dashboard'),
  PageField: add('PageField', 'page-field'),
  PagePreview: add('PagePreview', 'page-preview'),
  PageDefaultForm: add('PageDefaultForm', 'page-default-form'),
};
