import { ValidationError } from '../../common/errors.js';
import type { BrandingChanges } from '../../maintenance-page/branding-changes.js';
import { BRANDING_FIELDS, BRANDING_INPUTS, type PageBranding, type PageTranslation } from '../../maintenance-page/branding.js';

/** The form's branding properties, in the order the edit form shows them (the preview's inputs too). */
export const PAGE_FORM_PROPERTIES = [...BRANDING_FIELDS.map((field) => BRANDING_INPUTS[field]), BRANDING_INPUTS.translations];

const EXAMPLE = '"fr: Bientôt de retour | Le site revient dans une heure."';

/** One line per language, "fr: title | message"; either side of the bar may be empty. */
export function translationsFromLines(text: string): Record<string, PageTranslation> {
  const translations: Record<string, PageTranslation> = {};
  text.split(/\r?\n/).forEach((line, index) => {
    if (!line.trim()) return;
    const match = /^\s*([^:|]+?)\s*:(.*)$/.exec(line);
    if (!match) {
      throw new ValidationError(`Line ${index + 1} of the translations, "${line.trim()}", is not "language: title | message", e.g. ${EXAMPLE}.`, {
        field: BRANDING_INPUTS.translations,
      });
    }
    const [title, ...message] = match[2].split('|');
    const translation: PageTranslation = {};
    if (title.trim()) translation.title = title.trim();
    if (message.join('|').trim()) translation.message = message.join('|').trim();
    translations[match[1]] = translation;
  });
  return translations;
}

export function translationsToLines(translations: PageBranding['translations']): string {
  return Object.entries(translations ?? {})
    .map(([language, { title, message }]) => `${language}: ${title ?? ''}${message ? ` | ${message}` : ''}`)
    .join('\n');
}

/** The form's properties as shown for a branding: empty where it sets nothing. */
export function brandingFormParams(branding: PageBranding | null): Record<string, string> {
  const params: Record<string, string> = Object.fromEntries(BRANDING_FIELDS.map((field) => [BRANDING_INPUTS[field], branding?.[field] ?? '']));
  params[BRANDING_INPUTS.translations] = translationsToLines(branding?.translations);
  return params;
}

/**
 * The form replaces the branding whole: an emptied field is unset, so the default shows there. Undefined
 * when the form carried no branding field.
 */
export function brandingFromForm(value: (property: string) => string | undefined): BrandingChanges | undefined {
  if (PAGE_FORM_PROPERTIES.every((property) => value(property) === undefined)) return undefined;
  const changes: BrandingChanges = { reset: true };
  for (const field of BRANDING_FIELDS) changes[field] = value(BRANDING_INPUTS[field]) || null;
  changes.translations = translationsFromLines(value(BRANDING_INPUTS.translations) ?? '');
  return changes;
}
