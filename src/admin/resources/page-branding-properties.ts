import { BRANDING_INPUTS } from '../../maintenance-page/branding.js';
import { PAGE_FORM_PROPERTIES } from '../actions/page-branding-form.js';
import { Components } from '../components/components.js';

/**
 * The maintenance page's branding fields, as the site form and the default's page (pages/page-default.page.ts)
 * both show them: the same labels, help, and components (components/page-field.tsx, page-preview.tsx).
 */
export type BrandingFormOf = 'site' | 'default';

const EDIT_ONLY = { list: false, show: false, edit: true, filter: false };

export const PAGE_PREVIEW_LABEL = 'Maintenance page preview';

export const BRANDING_LABELS: Record<string, string> = {
  [BRANDING_INPUTS.title]: 'Page title',
  [BRANDING_INPUTS.message]: 'Page message',
  [BRANDING_INPUTS.logoUrl]: 'Page logo URL',
  [BRANDING_INPUTS.primaryColor]: 'Page primary colour',
  [BRANDING_INPUTS.backgroundColor]: 'Page background colour',
  [BRANDING_INPUTS.textColor]: 'Page text colour',
  [BRANDING_INPUTS.contactUrl]: 'Page contact URL',
  [BRANDING_INPUTS.template]: 'Page template',
  [BRANDING_INPUTS.translations]: 'Page translations',
};

const MULTI_LINE = new Set<string>([BRANDING_INPUTS.message, BRANDING_INPUTS.template, BRANDING_INPUTS.translations]);

function descriptions(of: BrandingFormOf): Record<string, string> {
  return {
    [BRANDING_INPUTS.title]: `The heading. Empty: "<site> is down for maintenance"${of === 'site' ? " (or the default's)" : ''}.`,
    [BRANDING_INPUTS.message]: "Shown when no window's message or reason says more.",
    [BRANDING_INPUTS.logoUrl]: 'An https:// image shown above the heading.',
    [BRANDING_INPUTS.primaryColor]: 'Accent colour, #rgb or #rrggbb.',
    [BRANDING_INPUTS.backgroundColor]: 'Background colour, #rgb or #rrggbb.',
    [BRANDING_INPUTS.textColor]: 'Text colour, #rgb or #rrggbb.',
    [BRANDING_INPUTS.contactUrl]: 'A "Contact us" link: https:// or mailto:.',
    [BRANDING_INPUTS.template]:
      'Optional: a whole HTML page in place of the design, with {{site}}, {{title}}, {{message}}, {{ends_at}}, {{contact_url}}, {{logo_url}}. ' +
      'HTML and CSS only: scripts, event handlers, javascript: URLs, frames and refresh redirects are refused.',
    [BRANDING_INPUTS.translations]:
      'One line per language: "fr: Bientôt de retour | Le site revient dans une heure." (title | message). Visitors get the one their browser asks for.',
  };
}

/** What the default's page draws each field with (the site form gets the same through AdminJS's properties). */
export interface BrandingFieldView {
  path: string;
  label: string;
  type: 'string' | 'textarea';
  description: string;
}

export function brandingFieldViews(of: BrandingFormOf): BrandingFieldView[] {
  const help = descriptions(of);
  return PAGE_FORM_PROPERTIES.map((path) => ({ path, label: BRANDING_LABELS[path], type: MULTI_LINE.has(path) ? 'textarea' : 'string', description: help[path] }));
}

/**
 * The site resource's properties for the branding fields, handed to the form at each keystroke for the live
 * preview, and the preview itself.
 */
export function brandingResourceProperties(): Record<string, object> {
  const fields = Object.fromEntries(
    brandingFieldViews('site').map(({ path, type, description }) => [
      path,
      { type, description, isSortable: false, isVisible: EDIT_ONLY, components: { edit: Components.PageField } },
    ]),
  );
  return {
    ...fields,
    pagePreview: { type: 'string', isSortable: false, isVisible: EDIT_ONLY, components: { edit: Components.PagePreview }, custom: { of: 'site' } },
  };
}
