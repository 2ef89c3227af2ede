import type { AdminPage, ActionRequest } from 'adminjs';
import type { Response } from 'express';
import { ValidationError } from '../../common/errors.js';
import { PageDefaultSettingsService } from '../../maintenance/page-default-settings.service.js';
import { PageBrandingService } from '../../maintenance-page/page-branding.service.js';
import { ADMINISTER_EVERY_SITE, panelUserOf, permits, READ } from '../access/panel-user.js';
import { brandingFormParams, brandingFromForm } from '../actions/page-branding-form.js';
import { actorOf, type AdminServices } from '../admin-services.js';
import { Components } from '../components/components.js';
import { AdminRequestError } from '../request-errors.js';
import { type BrandingFieldView, brandingFieldViews } from '../resources/page-branding-properties.js';

/** The page's name in AdminJS: /admin/pages/pageDefault, its data at /admin/api/pages/pageDefault. */
export const PAGE_DEFAULT_PAGE = 'pageDefault';
export const PAGE_DEFAULT_LABEL = 'Default maintenance page';

/** What components/page-default-form.tsx draws: the default's fields as the form shows them, and whether this user may save. */
export interface PageDefaultView {
  params: Record<string, string>;
  fields: BrandingFieldView[];
  canEdit: boolean;
  /** Why the form is read-only, when it is. */
  readOnlyReason: string | null;
  notice?: { message: string; type: 'success' };
}

/** A refused field: answered 422, the message shown beside the field as the site form does. */
export interface PageDefaultRefusal {
  message: string;
  errors: Record<string, { message: string }>;
}

function readOnlyReason(role: string): string {
  return `Your role (${role}) or your sites do not allow changing the default: it applies to every site, so only an admin of every site may change it.`;
}

/**
 * The global default branding, edited like a site's with the same fields and live preview. Every user of the
 * panel may read it (a viewer reads every site's page anyway); only an admin of every site may save it, as
 * with `maintenance page-default set`: the POST is refused with 403 before anything is read or written.
 */
export function pageDefaultPage(services: AdminServices): AdminPage {
  return {
    component: Components.PageDefaultForm,
    icon: 'Layout',
    handler: async (request: ActionRequest, response: Response, context): Promise<PageDefaultView | PageDefaultRefusal> => {
      const admin = context.currentAdmin;
      const role = panelUserOf(admin)?.role ?? 'no role';
      if (!permits(admin, READ)) throw new AdminRequestError(403, `Your role (${role}) does not allow reading the default maintenance page.`);
      const branding = services.get(PageBrandingService);
      const canEdit = permits(admin, ADMINISTER_EVERY_SITE);
      const view = (saved: Awaited<ReturnType<PageBrandingService['defaultBranding']>>): PageDefaultView => ({
        params: brandingFormParams(saved),
        fields: brandingFieldViews('default'),
        canEdit,
        readOnlyReason: canEdit ? null : readOnlyReason(role),
      });
      if (request.method !== 'post') return view(await branding.defaultBranding());
      if (!canEdit) throw new AdminRequestError(403, readOnlyReason(role));

      const payload = request.payload ?? {};
      const changes = brandingFromForm((name) => (typeof payload[name] === 'string' ? payload[name] : undefined));
      if (!changes) throw new AdminRequestError(400, 'The form carried no branding field.');
      try {
        const { branding: saved, changed } = await services.get(PageDefaultSettingsService).update(changes, actorOf(context));
        const message = changed ? 'Saved the default maintenance page.' : 'Nothing to change in the default maintenance page.';
        return { ...view(saved), notice: { message, type: 'success' } };
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        response.status(422);
        return { message: error.message, errors: error.field ? { [error.field]: { message: error.message } } : {} };
      }
    },
  };
}
