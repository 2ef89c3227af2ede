import type { CurrentAdmin } from 'adminjs';
import express, { type Router } from 'express';
import { ValidationError } from '../common/errors.js';
import { PageBrandingService } from '../maintenance-page/page-branding.service.js';
import { READ, permits } from './access/panel-user.js';
import { brandingFromForm } from './actions/page-branding-form.js';
import type { AdminServices } from './admin-services.js';
import { AdminRequestError } from './request-errors.js';

export const PAGE_PREVIEW_PATH = '/api/page-preview';

/**
 * POST /admin/api/page-preview: the maintenance page for the branding fields as typed in a form, rendered
 * by the same renderer as the real page, for the form's live preview (components/page-preview.tsx). It saves
 * nothing; a logged-in user who can read the panel may ask. Invalid fields answer 422 with the message and
 * the field, as saving would.
 */
export function pagePreviewRoute(services: AdminServices): Router {
  const router = express.Router();
  router.post(PAGE_PREVIEW_PATH, async (req, res, next) => {
    const admin = (req.session as { adminUser?: CurrentAdmin } | undefined)?.adminUser;
    if (!permits(admin, READ)) return next(new AdminRequestError(403, 'Log in to the panel to preview a maintenance page.'));
    const fields = (req as unknown as { fields: Record<string, unknown> }).fields;
    const text = (name: string) => (typeof fields[name] === 'string' ? fields[name].trim() : undefined);
    try {
      const html = await services.get(PageBrandingService).preview({
        domain: text('domain') || 'example.com',
        siteName: text('name'),
        branding: brandingFromForm(text) ?? {},
        of: text('of') === 'default' ? 'default' : 'site',
      });
      res.json({ html });
    } catch (error) {
      if (!(error instanceof ValidationError)) return next(error);
      res.status(422).json({ message: error.message, field: error.field });
    }
  });
  return router;
}
